//! The corpus the categorizer's model learns from, as `classify-train` and the tests
//! read it: the training part (`shared/testdata/voice/train-*.jsonl` and our labelled
//! set `shared/testdata/complaints.jsonl`) and the held-out part
//! (`shared/testdata/voice/heldout.jsonl`, only ever measured).

use std::path::{Path, PathBuf};

use redress_shared::categorize::training::{self, Example, Labelled, Settings, Tally};
use redress_shared::categorize::{assess_with_model, embedded, Model};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the trained weights live (compiled into the edge and `classify`).
pub fn weights_path() -> PathBuf {
    root().join("shared/model/weights.bin")
}

/// Every training file, in a fixed order, then our labelled set.
pub fn training_part() -> Result<Vec<Labelled>, String> {
    let voice = root().join("shared/testdata/voice");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&voice)
        .map_err(|e| format!("{}: {e}", voice.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("train-") && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    files.push(root().join("shared/testdata/complaints.jsonl"));
    let mut all = Vec::new();
    for file in files {
        all.extend(read(&file)?);
    }
    Ok(all)
}

pub fn heldout() -> Result<Vec<Labelled>, String> {
    read(&root().join("shared/testdata/voice/heldout.jsonl"))
}

/// Calls of `urgent` that must be right, in cross-validation, for the danger threshold
/// chosen: issue #16's precision bar (0.85) with a margin.
const MIN_DANGER_PRECISION: f64 = 0.87;
const FOLDS: usize = 5;

/// What training makes of the corpus: the model, and how a 5-fold cross-validation on
/// the training part judged it.
pub struct Trained {
    pub model: Model,
    pub cross_validation: Tally,
    pub danger_threshold: f32,
}

/// The model the whole training part trains, its danger threshold chosen by
/// cross-validation (the lowest that keeps [`MIN_DANGER_PRECISION`]).
pub fn train(corpus: &[Labelled]) -> Trained {
    let lexicon = embedded();
    let examples: Vec<Example> = corpus.iter().map(|l| l.example(lexicon)).collect();
    let settings = Settings::default();
    let folds = training::cross_validation_models(&examples, FOLDS, settings);
    let danger_threshold = training::danger_threshold(&examples, &folds, MIN_DANGER_PRECISION);
    let folds: Vec<Model> = folds
        .into_iter()
        .map(|m| m.with_danger_threshold(danger_threshold))
        .collect();
    let mut cross_validation = Tally::default();
    for (i, labelled) in corpus.iter().enumerate() {
        let verdict = assess_with_model(lexicon, &folds[i % FOLDS], &labelled.text);
        cross_validation.add(labelled, &verdict);
    }
    Trained {
        model: training::train(&examples, settings).with_danger_threshold(danger_threshold),
        cross_validation,
        danger_threshold,
    }
}

fn read(path: &Path) -> Result<Vec<Labelled>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    training::read_labelled(&text).map_err(|e| format!("{}: {e}", path.display()))
}
