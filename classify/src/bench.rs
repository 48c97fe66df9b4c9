//! `classify-bench`: complaints per second per core for the categorizer, natively, on
//! our labelled set and the held-out part of the corpus in shoppers' voice, beside a
//! baseline pass over the same texts in the same run.
//!
//! ```sh
//! cargo run --release -q -p redress-classify --bin classify-bench
//! ```
//!
//! One thread, a bounded number of rounds; figures go to stdout and to
//! `target/bench/categorizer.json`. It reports; it asserts nothing.

use std::hint::black_box;
use std::time::Instant;

use redress_shared::categorize::{assess, assess_with, classify, embedded};
use redress_shared::language;
use serde_json::json;

const ROUNDS: usize = 200;

fn main() -> std::io::Result<()> {
    // Our labelled set and the held-out part in shoppers' voice: careful and messy text.
    let texts: Vec<String> = [
        include_str!("../../shared/testdata/complaints.jsonl"),
        include_str!("../../shared/testdata/voice/heldout.jsonl"),
    ]
    .iter()
    .flat_map(|file| file.lines())
    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
    .filter_map(|v| v["text"].as_str().map(str::to_owned))
    .collect();
    // Warm up: the lexicon is parsed once, on first use.
    for t in &texts {
        black_box(classify(t));
    }

    let rate = |f: &dyn Fn(&str)| -> f64 {
        let start = Instant::now();
        for _ in 0..ROUNDS {
            for t in &texts {
                f(t);
            }
        }
        (ROUNDS * texts.len()) as f64 / start.elapsed().as_secs_f64()
    };
    let baseline = rate(&|t| {
        black_box(t.to_lowercase());
    });
    let lexicon_only = rate(&|t| {
        black_box(assess_with(embedded(), t));
    });
    let categorize = rate(&|t| {
        black_box(assess(t));
    });
    let detect = rate(&|t| {
        black_box(language::detect(t));
    });
    let full = rate(&|t| {
        black_box(classify(t));
    });

    println!(
        "categorizer, {} complaints x {ROUNDS} rounds, one thread",
        texts.len()
    );
    println!("{:<44} {:>14}", "pass", "complaints/s");
    for (name, value) in [
        ("baseline: lower-case the text", baseline),
        ("lexicon alone (the widget's suggestion)", lexicon_only),
        ("assess: lexicon + model (the edge's)", categorize),
        ("language detection (whatlang)", detect),
        ("classify: assess + language (the edge's)", full),
    ] {
        println!("{name:<44} {value:>14.0}");
    }
    println!("classify / baseline time ratio: {:.1}x", baseline / full);
    let model = include_bytes!("../../shared/model/weights.bin").len();
    println!(
        "model compiled into the edge: {:.1} KB (the widget carries none)",
        model as f64 / 1000.0
    );

    let report = json!({
        "complaints": texts.len(), "rounds": ROUNDS,
        "baseline_per_s": baseline, "lexicon_per_s": lexicon_only, "assess_per_s": categorize,
        "language_per_s": detect, "classify_per_s": full, "model_bytes": model,
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("categorizer.json"),
        serde_json::to_vec_pretty(&report)?,
    )?;
    Ok(())
}
