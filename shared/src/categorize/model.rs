//! The categorizer's learned part: a linear model over hashed features of the text
//! (words, character n-grams, and the lexicon's cues with what they point to), with
//! integer weights. It scores every category, so a complaint that matches no cue still
//! gets its most likely one, and three yes-or-no questions: is anyone in danger
//! (`urgent`), does it call for `high`, is it only a wish (`low`).
//!
//! Trained by `classify train` (`training`) on `shared/testdata/voice/train-*.jsonl`
//! and our labelled set; the edge and `classify` compile the weights in
//! (`shared/model/weights.bin`, feature `embedded-model`). Deterministic: the same text
//! always gets the same scores, on every platform.

use super::lexicon::{Flag, Lexicon, Target};
use super::taxonomy::Category;

/// Feature slots: features are hashed into this many rows of weights (2^16: a point
/// of accuracy over 2^15 in cross-validation, for 360 KB more in the edge).
pub const SLOTS: usize = 1 << 16;
/// One weight per category, then the three questions.
pub const HEADS: usize = Category::ALL.len() + 3;
pub(crate) const DANGER: usize = Category::ALL.len();
pub(crate) const HIGH: usize = DANGER + 1;
pub(crate) const LOW: usize = DANGER + 2;

const MAGIC: &[u8; 4] = b"RDM2";
const HEADER: usize = MAGIC.len() + 4 * HEADS + 4;
/// Where the weights start in the file (after the magic, the scales and the threshold).
pub const WEIGHTS_OFFSET: usize = HEADER;

/// Integer weights, a row of [`HEADS`] per slot, each head's scale back to a logit,
/// and the danger head's threshold (chosen by cross-validation when trained).
#[derive(Clone, PartialEq)]
pub struct Model {
    pub(crate) weights: Vec<i8>,
    pub(crate) scales: [f32; HEADS],
    pub(crate) danger_threshold: f32,
}

/// The weights file is not one this build can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelError;

impl Model {
    /// `RDM2`, [`HEADS`] little-endian `f32` scales, the danger threshold (`f32`), then
    /// `SLOTS × HEADS` weights.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() != HEADER + SLOTS * HEADS || !bytes.starts_with(MAGIC) {
            return Err(ModelError);
        }
        let float = |i: usize| -> Result<f32, ModelError> {
            let at = MAGIC.len() + 4 * i;
            let raw: [u8; 4] = bytes[at..at + 4].try_into().map_err(|_| ModelError)?;
            Ok(f32::from_le_bytes(raw))
        };
        let mut scales = [0f32; HEADS];
        for (i, scale) in scales.iter_mut().enumerate() {
            *scale = float(i)?;
        }
        let danger_threshold = float(HEADS)?;
        let weights = bytes[HEADER..].iter().map(|&b| b as i8).collect();
        Ok(Model {
            weights,
            scales,
            danger_threshold,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.weights.len());
        out.extend_from_slice(MAGIC);
        for scale in self.scales {
            out.extend_from_slice(&scale.to_le_bytes());
        }
        out.extend_from_slice(&self.danger_threshold.to_le_bytes());
        out.extend(self.weights.iter().map(|&w| w as u8));
        out
    }

    /// The danger head's logit for a text's [`features`].
    pub fn danger_logit(&self, features: &[u32]) -> f32 {
        self.logits(features)[DANGER]
    }

    /// Each head's logit for a text's [`features`].
    pub fn logits(&self, features: &[u32]) -> [f32; HEADS] {
        let mut sums = [0i32; HEADS];
        for &slot in features {
            let row = &self.weights[slot as usize * HEADS..][..HEADS];
            for (sum, &w) in sums.iter_mut().zip(row) {
                *sum += i32::from(w);
            }
        }
        let mut logits = [0f32; HEADS];
        for ((logit, sum), scale) in logits.iter_mut().zip(sums).zip(self.scales) {
            *logit = sum as f32 * scale;
        }
        logits
    }
}

/// What the model says of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Learned {
    pub logits: [f32; HEADS],
    pub danger: bool,
    pub high: bool,
    pub low: bool,
}

impl Learned {
    /// The model's probability of `category` (softmax over the categories), for the
    /// signal that explains a verdict no cue supports.
    pub fn probability(&self, category: Category) -> f32 {
        let categories = &self.logits[..Category::ALL.len()];
        let top = categories.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let total: f32 = categories.iter().map(|l| (l - top).exp()).sum();
        (self.logits[category as usize] - top).exp() / total
    }
}

/// The `high` head's threshold: where cross-validation balances its recall and
/// precision (a store's escalations are worth little if half are not).
const HIGH_LOGIT: f32 = -1.0;

impl Model {
    pub(crate) fn judge(&self, features: &[u32]) -> Learned {
        let logits = self.logits(features);
        Learned {
            logits,
            danger: logits[DANGER] > self.danger_threshold,
            high: logits[HIGH] > HIGH_LOGIT,
            low: logits[LOW] > 0.0,
        }
    }
}

/// The slots of a text's features: a bias; each word's character 3- and 4-grams, its
/// edges marked (in Chinese and Japanese, which join words, the run's 1- to 3-grams);
/// and each cue the lexicon found, with what it points to. Sorted, each once: the
/// model sees presence, not counts. (Whole words, word pairs and prefixes were tried
/// too: in cross-validation they only added noise.)
pub fn features(lexicon: &Lexicon, normalized: &str, found: &[u32]) -> Vec<u32> {
    let mut slots = Vec::with_capacity(normalized.len() * 2);
    slots.push(slot(b'B', ""));
    // One buffer for every word (with its edges marked) and its characters' offsets.
    let (mut padded, mut at) = (String::new(), Vec::new());
    for word in normalized.split(' ').filter(|w| !w.is_empty()) {
        let joined = word.chars().any(is_han_or_kana);
        padded.clear();
        if joined {
            padded.push_str(word);
        } else {
            // Stems and endings; a typo only costs a few of them.
            padded.push('<');
            padded.push_str(word);
            padded.push('>');
        }
        at.clear();
        at.extend(padded.char_indices().map(|(i, _)| i));
        at.push(padded.len());
        let (tag, sizes) = if joined { (b'J', 1..=3) } else { (b'G', 3..=4) };
        for n in sizes {
            for window in at.windows(n + 1) {
                slots.push(slot(tag, &padded[window[0]..window[n]]));
            }
        }
    }
    for &id in found {
        let cue = &lexicon.cues[id as usize];
        slots.push(slot(b'C', &cue.phrase));
        slots.push(slot(b'T', target_code(cue.target)));
    }
    slots.sort_unstable();
    slots.dedup();
    slots
}

fn is_han_or_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

fn target_code(target: Target) -> &'static str {
    match target {
        Target::Category(category, _) => category.code(),
        Target::SoftService => "service~",
        Target::Flag(flag) => match flag {
            Flag::Safety => "!safety",
            Flag::Legal => "!legal",
            Flag::Dispute => "!dispute",
            Flag::Repeat => "!repeat",
            Flag::FailedFix => "!failed_fix",
            Flag::Wish => "!wish",
            Flag::Refund => "&refund",
            Flag::Waiting => "&waiting",
            Flag::Transit => "^transit",
            Flag::Use => "^use",
        },
    }
}

/// FNV-1a of the tag and the text, folded into a slot.
fn slot(tag: u8, text: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(tag).chain(text.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % SLOTS as u64) as u32
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;
    use crate::categorize::{embedded, model_features};

    #[test]
    fn a_model_reads_back_what_it_wrote_and_refuses_anything_else() {
        let mut model = Model {
            weights: vec![0; SLOTS * HEADS],
            scales: [0.5; HEADS],
            danger_threshold: -0.5,
        };
        model.weights[7] = -3;
        let bytes = model.to_bytes();
        assert!(Model::from_bytes(&bytes).is_ok_and(|m| m == model));
        assert_eq!(Model::from_bytes(&bytes[1..]).err(), Some(ModelError));
        let mut other = bytes.clone();
        other[3] = b'1';
        assert_eq!(Model::from_bytes(&other).err(), Some(ModelError), "RDM1");
    }

    #[test]
    fn features_are_the_texts_grams_and_cues_each_once_in_order() {
        let lexicon = embedded();
        let features = model_features(lexicon, "Never arrived!! never arrived");
        assert!(
            features.windows(2).all(|w| w[0] < w[1]),
            "sorted, each once"
        );
        assert!(features.contains(&slot(b'B', "")));
        assert!(features.contains(&slot(b'G', "<nev")));
        assert!(features.contains(&slot(b'G', "ed>")));
        assert!(
            features.contains(&slot(b'T', "not_received")),
            "the cue's target"
        );
        let chinese = model_features(lexicon, "快递没收到");
        assert!(
            chinese.contains(&slot(b'J', "收到")),
            "runs of Han as n-grams"
        );
        assert_eq!(
            features,
            model_features(lexicon, "never ARRIVED never arrived")
        );
    }
}
