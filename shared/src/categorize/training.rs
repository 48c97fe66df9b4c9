//! Training the model (`model`) from labelled complaints: logistic regression by
//! stochastic gradient descent with AdaGrad steps, one softmax over the categories and
//! one sigmoid per question, then weights rounded to `i8` per head. Pure and seeded:
//! the same examples always give the same bytes, so the committed weights can be
//! checked against the corpus.

use super::lexicon::Lexicon;
use super::model::{Model, DANGER, HEADS, HIGH, LOW, SLOTS};
use super::taxonomy::{Category, Priority};

/// One labelled complaint, as features and answers.
pub struct Example {
    pub features: Vec<u32>,
    /// Whether a danger cue of the lexicon fires (the verdict is urgent then anyway).
    pub cue_danger: bool,
    pub category: Category,
    pub danger: bool,
    pub high: bool,
    pub low: bool,
}

impl Model {
    pub fn with_danger_threshold(mut self, threshold: f32) -> Model {
        self.danger_threshold = threshold;
        self
    }
}

/// How training runs.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub epochs: u32,
    pub learning_rate: f32,
    /// How much more a missed danger costs than a false alarm.
    pub danger_weight: f32,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            epochs: 10,
            learning_rate: 0.05,
            danger_weight: 2.0,
            seed: 0x5eed_0f2e_de55,
        }
    }
}

pub fn train(examples: &[Example], settings: Settings) -> Model {
    train_on(&examples.iter().collect::<Vec<_>>(), settings)
}

fn train_on(examples: &[&Example], settings: Settings) -> Model {
    let mut weights = vec![0f32; SLOTS * HEADS];
    // AdaGrad: each weight's step shrinks with the gradients it has seen.
    let mut seen = vec![1e-6f32; SLOTS * HEADS];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut random = settings.seed | 1;
    for _ in 0..settings.epochs {
        // Fisher–Yates with xorshift64: the same order on every machine.
        for i in (1..order.len()).rev() {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            order.swap(i, (random % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let example = examples[i];
            let mut logits = [0f32; HEADS];
            for &slot in &example.features {
                let row = &weights[slot as usize * HEADS..][..HEADS];
                for (logit, w) in logits.iter_mut().zip(row) {
                    *logit += w;
                }
            }
            let gradients = gradients(&logits, example, settings.danger_weight);
            for &slot in &example.features {
                let base = slot as usize * HEADS;
                for (head, &g) in gradients.iter().enumerate() {
                    if g == 0.0 {
                        continue;
                    }
                    seen[base + head] += g * g;
                    weights[base + head] -= settings.learning_rate * g / seen[base + head].sqrt();
                }
            }
        }
    }
    quantize(&weights)
}

/// The models of a `folds`-fold cross-validation: model `i` never saw the examples
/// whose index is `i` modulo `folds`.
pub fn cross_validation_models(
    examples: &[Example],
    folds: usize,
    settings: Settings,
) -> Vec<Model> {
    (0..folds)
        .map(|fold| {
            let rest: Vec<&Example> = examples
                .iter()
                .enumerate()
                .filter(|(i, _)| i % folds != fold)
                .map(|(_, e)| e)
                .collect();
            train_on(&rest, settings)
        })
        .collect()
}

/// The lowest danger threshold at which, judged by models that never saw them, at
/// least `min_precision` of the complaints called urgent are (a danger cue counts as a
/// call whatever the model says). Issue #16's aim, recall first at a set precision, as
/// a rule applied to the training part only.
pub fn danger_threshold(examples: &[Example], folds: &[Model], min_precision: f64) -> f32 {
    let judged: Vec<(f32, bool, bool)> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                folds[i % folds.len()].danger_logit(&e.features),
                e.cue_danger,
                e.danger,
            )
        })
        .collect();
    let precision_at = |threshold: f32| {
        let called: Vec<bool> = judged
            .iter()
            .filter(|(logit, cue, _)| *cue || *logit > threshold)
            .map(|(_, _, truth)| *truth)
            .collect();
        called.iter().filter(|&&t| t).count() as f64 / called.len().max(1) as f64
    };
    // Tenths from -4 to 4: fine enough for a logit, and the same on every machine.
    (-40..=40)
        .map(|tenths| tenths as f32 / 10.0)
        .find(|&threshold| precision_at(threshold) >= min_precision)
        .unwrap_or(4.0)
}

/// d(loss)/d(logit) for each head.
fn gradients(logits: &[f32; HEADS], example: &Example, danger_weight: f32) -> [f32; HEADS] {
    let mut g = [0f32; HEADS];
    let categories = Category::ALL.len();
    let top = logits[..categories]
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits[..categories]
        .iter()
        .map(|l| (l - top).exp())
        .collect();
    let total: f32 = exps.iter().sum();
    for (c, e) in exps.iter().enumerate() {
        let truth = if c == example.category as usize {
            1.0
        } else {
            0.0
        };
        g[c] = e / total - truth;
    }
    let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
    let binary = |logit: f32, truth: bool| sigmoid(logit) - f32::from(u8::from(truth));
    g[DANGER] =
        binary(logits[DANGER], example.danger) * if example.danger { danger_weight } else { 1.0 };
    g[HIGH] = binary(logits[HIGH], example.high);
    g[LOW] = binary(logits[LOW], example.low);
    g
}

/// Rounds each head's weights to `i8` on its own scale.
fn quantize(weights: &[f32]) -> Model {
    let mut scales = [0f32; HEADS];
    for (head, scale) in scales.iter_mut().enumerate() {
        let largest = weights
            .iter()
            .skip(head)
            .step_by(HEADS)
            .fold(0f32, |m, w| m.max(w.abs()));
        *scale = if largest > 0.0 { largest / 127.0 } else { 1.0 };
    }
    let quantized = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (w / scales[i % HEADS]).round().clamp(-127.0, 127.0) as i8)
        .collect();
    Model {
        weights: quantized,
        scales,
        // Even odds until `danger_threshold` chooses one.
        danger_threshold: 0.0,
    }
}

/// A labelled complaint of the corpus (`shared/testdata/voice/*.jsonl`, and our careful
/// set `shared/testdata/complaints.jsonl`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Labelled {
    pub id: String,
    pub lang: String,
    pub category: Category,
    pub priority: Priority,
    pub text: String,
}

/// JSON lines of labelled complaints; a line that is not one names itself.
pub fn read_labelled(jsonl: &str) -> Result<Vec<Labelled>, String> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{e}: {l}")))
        .collect()
}

impl Labelled {
    pub fn example(&self, lexicon: &Lexicon) -> Example {
        Example {
            features: super::model_features(lexicon, &self.text),
            cue_danger: super::assess_with(lexicon, &self.text).safety,
            category: self.category,
            danger: self.priority == Priority::Urgent,
            high: self.priority == Priority::High,
            low: self.priority == Priority::Low,
        }
    }
}

/// How verdicts compare with labels: the figures issue #16 sets bars for.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// (label, verdict) of each complaint's category.
    categories: Vec<(Category, Category)>,
    /// (labelled urgent, judged urgent), (labelled high, judged high).
    urgent: Vec<(bool, bool)>,
    high: Vec<(bool, bool)>,
    /// Per language: complaints, and how many got their category right.
    by_language: std::collections::BTreeMap<String, (usize, usize)>,
}

/// The figures of a [`Tally`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub complaints: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub urgent_recall: f64,
    pub urgent_precision: f64,
    pub high_recall: f64,
    pub high_precision: f64,
}

impl Tally {
    pub fn add(&mut self, labelled: &Labelled, verdict: &super::Assessment) {
        self.categories.push((labelled.category, verdict.category));
        self.urgent.push((
            labelled.priority == Priority::Urgent,
            verdict.priority == Priority::Urgent,
        ));
        self.high.push((
            labelled.priority == Priority::High,
            verdict.priority == Priority::High,
        ));
        let entry = self.by_language.entry(labelled.lang.clone()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(labelled.category == verdict.category);
    }

    pub fn figures(&self) -> Figures {
        let n = self.categories.len().max(1) as f64;
        let right = self.categories.iter().filter(|(l, v)| l == v).count() as f64;
        let f1s: Vec<f64> = Category::ALL
            .iter()
            .map(|&c| {
                let tp = self
                    .categories
                    .iter()
                    .filter(|&&(l, v)| l == c && v == c)
                    .count();
                let labelled = self.categories.iter().filter(|&&(l, _)| l == c).count();
                let judged = self.categories.iter().filter(|&&(_, v)| v == c).count();
                if labelled + judged == 0 {
                    1.0
                } else {
                    2.0 * tp as f64 / (labelled + judged) as f64
                }
            })
            .collect();
        let recall = |pairs: &[(bool, bool)]| {
            let truth = pairs.iter().filter(|(t, _)| *t).count().max(1) as f64;
            pairs.iter().filter(|&&(t, j)| t && j).count() as f64 / truth
        };
        let precision = |pairs: &[(bool, bool)]| {
            let judged = pairs.iter().filter(|(_, j)| *j).count().max(1) as f64;
            pairs.iter().filter(|&&(t, j)| t && j).count() as f64 / judged
        };
        Figures {
            complaints: self.categories.len(),
            accuracy: right / n,
            macro_f1: f1s.iter().sum::<f64>() / f1s.len() as f64,
            urgent_recall: recall(&self.urgent),
            urgent_precision: precision(&self.urgent),
            high_recall: recall(&self.high),
            high_precision: precision(&self.high),
        }
    }

    /// The figures, then recall per category and accuracy per language, as lines.
    pub fn report(&self) -> String {
        let Figures {
            complaints,
            accuracy,
            macro_f1,
            urgent_recall,
            urgent_precision,
            high_recall,
            high_precision,
        } = self.figures();
        let categories: Vec<String> = self
            .by_category()
            .iter()
            .map(|(c, n, recall)| format!("{} {recall:.2} ({n})", c.code()))
            .collect();
        let languages: Vec<String> = self
            .by_language()
            .iter()
            .map(|(lang, _, accuracy)| format!("{lang} {accuracy:.2}"))
            .collect();
        format!(
            "{complaints} complaints\n  category accuracy {accuracy:.3}, macro-F1 {macro_f1:.3}\n  \
             urgent recall {urgent_recall:.3}, precision {urgent_precision:.3}; high recall \
             {high_recall:.3}, precision {high_precision:.3}\n  recall by category: {}\n  \
             accuracy by language: {}",
            categories.join(", "),
            languages.join(", ")
        )
    }

    /// Category accuracy per language.
    pub fn by_language(&self) -> Vec<(String, usize, f64)> {
        self.by_language
            .iter()
            .map(|(lang, &(n, right))| (lang.clone(), n, right as f64 / n.max(1) as f64))
            .collect()
    }

    /// Recall per category.
    pub fn by_category(&self) -> Vec<(Category, usize, f64)> {
        Category::ALL
            .iter()
            .map(|&c| {
                let labelled = self.categories.iter().filter(|&&(l, _)| l == c).count();
                let right = self
                    .categories
                    .iter()
                    .filter(|&&(l, v)| l == c && v == c)
                    .count();
                (c, labelled, right as f64 / labelled.max(1) as f64)
            })
            .collect()
    }
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;
    use crate::categorize::{assess_with_model, embedded};

    fn labelled(text: &str, category: Category, priority: Priority) -> Labelled {
        Labelled {
            id: String::new(),
            lang: "en".into(),
            category,
            priority,
            text: text.into(),
        }
    }

    #[test]
    fn training_learns_words_no_cue_knows_and_is_the_same_every_time() {
        // Made-up words: only the model can learn them.
        let corpus = [
            labelled("the zorbly thing", Category::Billing, Priority::Normal),
            labelled("zorbly again", Category::Billing, Priority::Normal),
            labelled("what a flimwax", Category::Service, Priority::Normal),
            labelled("flimwax twice", Category::Service, Priority::Normal),
        ];
        let examples: Vec<Example> = corpus.iter().map(|l| l.example(embedded())).collect();
        let settings = Settings {
            epochs: 30,
            ..Settings::default()
        };
        let model = train(&examples, settings);
        assert_eq!(model.to_bytes(), train(&examples, settings).to_bytes());
        let verdict = |text| assess_with_model(embedded(), &model, text).category;
        assert_eq!(verdict("zorbly"), Category::Billing);
        assert_eq!(verdict("flimwax"), Category::Service);
    }

    #[test]
    fn the_danger_threshold_is_the_lowest_that_keeps_the_precision() {
        let example = |danger| Example {
            features: vec![1],
            cue_danger: false,
            category: Category::Defective,
            danger,
            high: false,
            low: false,
        };
        // One model per example, each scoring danger by its own bias.
        let folds: Vec<Model> = [2.0f32, 1.0, 0.5, -1.0]
            .iter()
            .map(|&logit| {
                let mut weights = vec![0i8; super::SLOTS * HEADS];
                weights[HEADS + DANGER] = (logit * 10.0) as i8;
                Model {
                    weights,
                    scales: [0.1; HEADS],
                    danger_threshold: 0.0,
                }
            })
            .collect();
        let examples = [example(true), example(true), example(false), example(true)];
        // Above 0.5 only the two true ones are called: precision 1.
        assert_eq!(danger_threshold(&examples, &folds, 1.0), 0.5);
        // Calling every one is right three times in four.
        assert_eq!(danger_threshold(&examples, &folds, 0.75), -4.0);
    }
}
