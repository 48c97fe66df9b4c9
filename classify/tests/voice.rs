//! The categorizer on complaints in real shoppers' voice (issue #16): the held-out part
//! of our corpus (`shared/testdata/voice/heldout.jsonl`), written in a separate pass
//! from the training part and never tuned on, must clear the bars below; the figures
//! per language and category are printed. And the model compiled in is exactly the one
//! the training part trains, so nobody ships weights the corpus does not explain.

use redress_shared::categorize::training::Tally;
use redress_shared::categorize::{classify, WEIGHTS_OFFSET};

const MIN_ACCURACY: f64 = 0.85;
const MIN_MACRO_F1: f64 = 0.80;
const MIN_URGENT_RECALL: f64 = 0.97;
const MIN_URGENT_PRECISION: f64 = 0.85;
const MIN_HIGH_RECALL: f64 = 0.85;
const MIN_LANGUAGE: f64 = 0.98;

#[test]
fn the_categorizer_clears_the_bars_on_the_held_out_part() {
    let heldout = redress_classify::heldout().expect("the held-out part");
    assert!(heldout.len() >= 400, "{} complaints", heldout.len());
    let mut tally = Tally::default();
    let mut languages_right = 0;
    for labelled in &heldout {
        let verdict = classify(&labelled.text);
        tally.add(labelled, &verdict.assessment);
        languages_right += usize::from(verdict.lang == labelled.lang);
    }
    let figures = tally.figures();
    let language = languages_right as f64 / figures.complaints as f64;
    println!("held-out part: {}", tally.report());
    println!("  language {language:.3}");
    let bars = [
        ("category accuracy", figures.accuracy, MIN_ACCURACY),
        ("macro-F1", figures.macro_f1, MIN_MACRO_F1),
        ("urgent recall", figures.urgent_recall, MIN_URGENT_RECALL),
        (
            "urgent precision",
            figures.urgent_precision,
            MIN_URGENT_PRECISION,
        ),
        ("high recall", figures.high_recall, MIN_HIGH_RECALL),
        ("language", language, MIN_LANGUAGE),
    ];
    let missed: Vec<String> = bars
        .iter()
        .filter(|(_, value, bar)| value < bar)
        .map(|(name, value, bar)| format!("{name} {value:.3} < {bar}"))
        .collect();
    assert!(missed.is_empty(), "below the bars: {}", missed.join("; "));
}

#[test]
fn the_model_compiled_in_is_the_one_the_training_part_trains() {
    let corpus = redress_classify::training_part().expect("the training part");
    let trained = redress_classify::train(&corpus).model.to_bytes();
    let committed = std::fs::read(redress_classify::weights_path()).expect("the weights");
    assert_eq!(
        trained.len(),
        committed.len(),
        "shared/model/weights.bin is not what the corpus trains: run classify-train"
    );
    // Byte for byte on the machine that trained it; another platform's `exp` may round
    // a handful of weights one step the other way, never more.
    let (header, rest) = (WEIGHTS_OFFSET, trained.len() - WEIGHTS_OFFSET);
    let off: Vec<i16> = trained[header..]
        .iter()
        .zip(&committed[header..])
        .map(|(&a, &b)| (i16::from(a as i8) - i16::from(b as i8)).abs())
        .filter(|&d| d > 0)
        .collect();
    assert!(
        off.len() * 1000 <= rest && off.iter().all(|&d| d <= 1),
        "shared/model/weights.bin is not what the corpus trains ({} weights differ): run classify-train",
        off.len()
    );
}
