//! `classify-train`: trains the categorizer's model on the training part of the corpus
//! and writes `shared/model/weights.bin`. It reports a 5-fold cross-validation on the
//! training part (what choices are made on) and the held-out part's figures (only ever
//! measured).
//!
//! ```sh
//! cargo run --release -q -p redress-classify --bin classify-train
//! ```

use redress_classify::{heldout, train, training_part, weights_path};
use redress_shared::categorize::training::Tally;
use redress_shared::categorize::{assess_with_model, embedded};

fn main() -> Result<(), String> {
    let corpus = training_part()?;
    let trained = train(&corpus);
    report(
        "training part, 5-fold cross-validation",
        &trained.cross_validation,
    );
    println!("  danger threshold (logit) {:.1}", trained.danger_threshold);

    let bytes = trained.model.to_bytes();
    let path = weights_path();
    std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "\nwrote {} ({} KB, {} complaints)",
        path.display(),
        bytes.len() / 1000,
        corpus.len()
    );

    let mut tally = Tally::default();
    for labelled in &heldout()? {
        let verdict = assess_with_model(embedded(), &trained.model, &labelled.text);
        tally.add(labelled, &verdict);
    }
    report("held-out part (never tuned on)", &tally);
    Ok(())
}

fn report(title: &str, tally: &Tally) {
    println!("\n{title}: {}", tally.report());
}
