//! Categorization: category, priority, safety and sub-reason from a complaint's text,
//! in any of the languages the lexicon covers, with the cues that decided it.
//!
//! Deterministic and explainable: the text is matched once against a cue lexicon
//! (`shared/lexicon/cues.tsv`), cue weights add up per category, and the tie-breaks of
//! TAXONOMY.md are applied in code below, in their documented order. The widget and the
//! edge run this same function, so the suggestion a shopper sees is the category stored.

mod lexicon;
mod model;
mod taxonomy;
#[cfg(feature = "training")]
pub mod training;

#[cfg(feature = "embedded-lexicon")]
pub use lexicon::embedded;
pub use lexicon::{Lexicon, LexiconError, LexiconFault};
pub use model::{Model, ModelError, WEIGHTS_OFFSET};

use serde::{Deserialize, Serialize};

pub use taxonomy::{Category, Priority, SubReason};

use lexicon::{normalize, Flag, Target};

/// The full verdict the edge stores and `classify` prints: the assessment and the
/// language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// ISO 639-1, or `und`.
    pub lang: String,
}

/// What only the edge knows about a complaint, and which can raise its priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EdgeContext {
    /// Complaints from the same email or about the same order in the repeat window
    /// (`intake::REPEAT_WINDOW_DAYS`).
    pub recent_complaints: u32,
    /// The order's value, in the currency's minor units, when the shopper or store gave it.
    pub order_value: Option<u64>,
    /// The store's threshold for a high-value order, in the same units.
    pub high_value_threshold: Option<u64>,
}

impl Assessment {
    /// Raises the priority to `high` for a repeated complaint or a high-value order; a
    /// text verdict of `urgent` stays, and the reason joins the signals.
    pub fn with_context(mut self, context: &EdgeContext) -> Assessment {
        let mut raise = |rule: &str, detail: String| {
            if self.priority < Priority::High {
                self.priority = Priority::High;
            }
            self.signals.push(Signal::new(rule.to_owned(), &detail));
        };
        if context.recent_complaints > 0 {
            raise(
                "repeat_complaint",
                format!(
                    "{} earlier complaint(s) in {} days",
                    context.recent_complaints,
                    crate::intake::REPEAT_WINDOW_DAYS
                ),
            );
        }
        if let (Some(value), Some(threshold)) = (context.order_value, context.high_value_threshold)
        {
            if value >= threshold {
                raise("high_value", format!("order value {value} ≥ {threshold}"));
            }
        }
        self
    }
}

/// [`assess_with`] the lexicon compiled into this binary, with the model where it is
/// compiled in too (the edge and `classify`).
#[cfg(feature = "embedded-lexicon")]
pub fn assess(text: &str) -> Assessment {
    #[cfg(feature = "embedded-model")]
    return assess_with_model(embedded(), embedded_model(), text);
    #[cfg(not(feature = "embedded-model"))]
    assess_with(embedded(), text)
}

/// The model compiled into this binary (`shared/model/weights.bin`).
#[cfg(feature = "embedded-model")]
pub fn embedded_model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        Model::from_bytes(include_bytes!("../../model/weights.bin"))
            .unwrap_or_else(|_| panic!("the embedded model is tested to load"))
    })
}

/// The slots of `text`'s features, as the model and its training see them.
pub fn model_features(lexicon: &Lexicon, text: &str) -> Vec<u32> {
    let normalized = normalize(text);
    let found = lexicon.find(&normalized);
    model::features(lexicon, &normalized, &found)
}

#[cfg(feature = "language")]
pub fn classify(text: &str) -> Classification {
    let assessment = assess(text);
    let lang = crate::language::detect_with_hint(text, assessment.cue_language.as_deref());
    Classification {
        assessment,
        lang: lang.to_owned(),
    }
}

/// The text-only verdict on a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub category: Category,
    pub sub_reason: Option<SubReason>,
    pub priority: Priority,
    /// Physical danger: injury, fire, smoke, shock, choking, allergy... (priority urgent).
    pub safety: bool,
    /// The cues behind the verdict, for agents: "why is this urgent?".
    pub signals: Vec<Signal>,
    /// The language whose cues the text matched most (two or more, and more than any
    /// other's): a hint for language detection on short text. Not part of the API.
    #[serde(skip)]
    pub cue_language: Option<String>,
}

/// One cue found in the text and what it counted towards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// `category:<code>`, `sub_reason:<code>` or a priority rule: `safety`, `legal`,
    /// `dispute`, `repeat`, `failed_fix`, `wish`, `refund_pending`.
    pub rule: String,
    pub cue: String,
}

/// A cue weighs this much more in its category when the text also sets the scene:
/// arrival for `damaged`, use for `defective` (tie-break 3).
const CONTEXT_BONUS: f32 = 1.5;
/// How much a cue's weight counts beside the model's logits (cross-validated).
const LEXICON_WEIGHT: f32 = 1.5;
/// A refund word together with a waiting word: money that has not come back (tie-break 4).
const REFUND_PENDING_WEIGHT: f32 = 4.0;

/// The verdict of the lexicon's cues alone: what the widget suggests while the shopper
/// types (the edge decides again, with the model).
pub fn assess_with(lexicon: &Lexicon, text: &str) -> Assessment {
    judge(lexicon, None, text)
}

/// The verdict of the lexicon and the model together: the model picks the category and
/// answers the priority's questions; the cues explain, and their flags for legal
/// threats, disputes and repeated contact still raise the priority.
pub fn assess_with_model(lexicon: &Lexicon, model: &Model, text: &str) -> Assessment {
    judge(lexicon, Some(model), text)
}

fn judge(lexicon: &Lexicon, model: Option<&Model>, text: &str) -> Assessment {
    let normalized = normalize(text);
    let found = lexicon.find(&normalized);
    // A text without a word says nothing to categorize: the model's priors alone are
    // no verdict.
    let has_words = !normalized.trim().is_empty();
    let learned = model
        .filter(|_| has_words)
        .map(|m| m.judge(&model::features(lexicon, &normalized, &found)));

    let mut scores = [0f32; Category::ALL.len()];
    let mut best_sub: [(f32, Option<SubReason>); Category::ALL.len()] =
        [(0.0, None); Category::ALL.len()];
    let mut soft_service = 0f32;
    let mut flags: Vec<(Flag, &str)> = Vec::new();
    let mut category_cues: Vec<(Category, &str)> = Vec::new();

    for &id in &found {
        let cue = &lexicon.cues[id as usize];
        match cue.target {
            Target::Category(category, sub) => {
                let slot = category as usize;
                scores[slot] += cue.weight;
                if sub.is_some() && cue.weight > best_sub[slot].0 {
                    best_sub[slot] = (cue.weight, sub);
                }
                category_cues.push((category, &cue.phrase));
            }
            Target::SoftService => {
                soft_service += cue.weight;
                category_cues.push((Category::Service, &cue.phrase));
            }
            Target::Flag(flag) => flags.push((flag, &cue.phrase)),
        }
    }
    let has = |flag: Flag| flags.iter().any(|(f, _)| *f == flag);

    // Tie-break 3: broken on arrival is damaged; broken through use is defective.
    if scores[Category::Damaged as usize] > 0.0 && has(Flag::Transit) {
        scores[Category::Damaged as usize] += CONTEXT_BONUS;
    }
    if scores[Category::Defective as usize] > 0.0 && has(Flag::Use) {
        scores[Category::Defective as usize] += CONTEXT_BONUS;
    }
    // Tie-break 4: money that has not come back is billing.
    let refund_pending = has(Flag::Refund) && has(Flag::Waiting);
    if refund_pending {
        let slot = Category::Billing as usize;
        scores[slot] += REFUND_PENDING_WEIGHT;
        if best_sub[slot].0 < REFUND_PENDING_WEIGHT {
            best_sub[slot] = (REFUND_PENDING_WEIGHT, Some(SubReason::RefundNotReceived));
        }
    }

    let mut category = leading_category(&scores);
    // Tie-break 4 again: once money is owed back, the parcel or the silence around it is
    // no longer the subject.
    if refund_pending
        && matches!(
            category,
            Some(Category::NotReceived | Category::Service | Category::Other) | None
        )
    {
        category = Some(Category::Billing);
    }
    // Tie-break 2: a counterfeit claim wins over defective and not as described.
    if scores[Category::Counterfeit as usize] > 0.0
        && matches!(
            category,
            Some(Category::Defective | Category::NotAsDescribed | Category::Other) | None
        )
    {
        category = Some(Category::Counterfeit);
    }
    let cue_safety = has(Flag::Safety);
    // The model's logits and the cues' weights together: where the lexicon speaks it
    // is most often right, and where it is silent the model still chooses. Support's
    // silence counts for `service` only when no other subject has a cue (tie-break 5).
    let mut cue_scores = scores;
    if scores.iter().all(|&s| s == 0.0) {
        cue_scores[Category::Service as usize] += soft_service;
    }
    let blended = learned.map(|l| {
        let mut best = (Category::Other, f32::NEG_INFINITY);
        for &c in Category::ALL {
            let score = l.logits[c as usize] + LEXICON_WEIGHT * cue_scores[c as usize];
            if score > best.1 {
                best = (c, score);
            }
        }
        best.0
    });
    let category = match (blended, category) {
        (Some(blended), _) => blended,
        (None, Some(c)) => c,
        // Tie-break 5: "nobody answers" is the subject only when nothing else is.
        (None, None) if soft_service > 0.0 => Category::Service,
        // Harm from the product itself, with nothing else said: the item is defective.
        (None, None) if cue_safety => Category::Defective,
        (None, None) => Category::Other,
    };
    // Danger: the model's head, or a danger cue (the lexicon's list is written for
    // recall; the model catches what no cue says).
    let safety = cue_safety || learned.is_some_and(|l| l.danger);
    let sub_reason = best_sub[category as usize].1;

    let escalated = has(Flag::Legal)
        || has(Flag::Dispute)
        || has(Flag::Repeat)
        || has(Flag::FailedFix)
        || category == Category::Counterfeit
        || learned.is_some_and(|l| l.high);
    // Tie-break 1: danger never changes the category, only the priority.
    let priority = if safety {
        Priority::Urgent
    } else if escalated {
        Priority::High
    } else if category == Category::Other && learned.map_or(has(Flag::Wish), |l| l.low) {
        Priority::Low
    } else {
        Priority::Normal
    };

    let mut signals: Vec<Signal> = category_cues
        .iter()
        .filter(|(c, _)| *c == category)
        .map(|(c, cue)| Signal::new(format!("category:{}", c.code()), cue))
        .collect();
    if refund_pending && category == Category::Billing {
        for (flag, cue) in &flags {
            if matches!(flag, Flag::Refund | Flag::Waiting) {
                signals.push(Signal::new("refund_pending".to_owned(), cue));
            }
        }
    }
    if let Some(learned) = learned {
        if signals.is_empty() {
            // No cue of the category: the model's reading is the explanation.
            let percent = format!("{:.0}%", learned.probability(category) * 100.0);
            signals.push(Signal::new(
                format!("category:{}", category.code()),
                &percent,
            ));
        }
        if learned.danger && !cue_safety {
            signals.push(Signal::new("safety".to_owned(), "model"));
        }
    }
    for (flag, cue) in &flags {
        let rule = match flag {
            Flag::Safety => "safety",
            Flag::Legal => "legal",
            Flag::Dispute => "dispute",
            Flag::Repeat => "repeat",
            Flag::FailedFix => "failed_fix",
            Flag::Wish if priority == Priority::Low => "wish",
            _ => continue,
        };
        signals.push(Signal::new(rule.to_owned(), cue));
    }

    let cue_language = cue_language(lexicon, &found);

    Assessment {
        category,
        sub_reason,
        priority,
        safety,
        signals,
        cue_language,
    }
}

/// The language whose cues matched most: two or more, and more than any other's. Only
/// the edge uses it (the widget does not detect language), so only the edge pays for it.
#[cfg(feature = "language")]
fn cue_language(lexicon: &Lexicon, found: &[u32]) -> Option<String> {
    let mut votes: Vec<([u8; 2], u32)> = Vec::new();
    for lang in found
        .iter()
        .filter_map(|&id| lexicon.cues[id as usize].lang)
    {
        match votes.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, n)) => *n += 1,
            None => votes.push((lang, 1)),
        }
    }
    let (best, most) = votes.iter().copied().max_by_key(|(_, n)| *n)?;
    let unique = votes.iter().filter(|(_, n)| *n == most).count() == 1;
    (most >= 2 && unique)
        .then(|| std::str::from_utf8(&best).ok().map(str::to_owned))
        .flatten()
}

#[cfg(not(feature = "language"))]
fn cue_language(_lexicon: &Lexicon, _found: &[u32]) -> Option<String> {
    None
}

/// The category with the highest score, the earlier in the taxonomy winning a tie
/// (so `service` and `other` lose ties to anything more specific); `None` when nothing
/// scored.
fn leading_category(scores: &[f32]) -> Option<Category> {
    let mut best: Option<(Category, f32)> = None;
    for &category in Category::ALL {
        let score = scores[category as usize];
        if score > 0.0 && best.is_none_or(|(_, top)| score > top) {
            best = Some((category, score));
        }
    }
    best.map(|(category, _)| category)
}

impl Signal {
    fn new(rule: String, cue: &str) -> Signal {
        Signal {
            rule,
            cue: cue.to_owned(),
        }
    }
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;

    fn verdict(text: &str) -> (Category, Priority, bool) {
        let a = assess(text);
        (a.category, a.priority, a.safety)
    }

    #[test]
    fn tie_break_1_danger_sets_urgent_and_keeps_the_category() {
        assert_eq!(
            verdict("The box arrived crushed and the lamp inside sparked when I plugged it in."),
            (Category::Damaged, Priority::Urgent, true)
        );
        assert_eq!(
            verdict("My parcel never arrived."),
            (Category::NotReceived, Priority::Normal, false)
        );
    }

    #[test]
    fn tie_break_2_counterfeit_wins_over_defective_and_not_as_described() {
        assert_eq!(
            verdict(
                "It doesn't work and it is clearly a fake, not the brand shown in the listing."
            ),
            (Category::Counterfeit, Priority::High, false)
        );
    }

    #[test]
    fn tie_break_3_broken_in_transit_is_damaged_broken_by_use_is_defective() {
        assert_eq!(
            verdict("The vase arrived broken, the box was soaked.").0,
            Category::Damaged
        );
        assert_eq!(
            verdict("The vase broke after a week of use, the glaze just cracked.").0,
            Category::Defective
        );
    }

    #[test]
    fn tie_break_4_money_not_back_is_billing_even_after_a_return() {
        let a =
            assess("I returned the shoes three weeks ago and still haven't received my refund.");
        assert_eq!(a.category, Category::Billing);
        assert_eq!(a.sub_reason, Some(SubReason::RefundNotReceived));
    }

    #[test]
    fn tie_break_5_silence_is_service_only_when_nothing_else_is_the_subject() {
        assert_eq!(
            verdict("My parcel never came and nobody answers my emails.").0,
            Category::NotReceived
        );
        assert_eq!(
            verdict("I emailed you four days ago and nobody answers.").0,
            Category::Service
        );
    }

    #[test]
    fn legal_threats_disputes_repeats_and_failed_fixes_raise_priority_to_high() {
        for text in [
            "Parcel never arrived. My lawyer will contact you.",
            "Parcel never arrived, I am opening a PayPal dispute.",
            "Fourth time I'm writing: my parcel never arrived.",
            "The replacement is also broken.",
        ] {
            assert_eq!(assess(text).priority, Priority::High, "{text}");
        }
    }

    #[test]
    fn a_wish_with_no_problem_is_low_priority() {
        let a = assess("It would be great if you offered gift wrapping.");
        assert_eq!((a.category, a.priority), (Category::Other, Priority::Low));
    }

    #[test]
    fn signals_explain_the_verdict() {
        let a = assess("The heater caught fire. I will sue you.");
        let rules: Vec<&str> = a.signals.iter().map(|s| s.rule.as_str()).collect();
        assert!(rules.contains(&"safety"), "{rules:?}");
        assert!(rules.contains(&"legal"), "{rules:?}");
    }

    #[test]
    fn a_repeat_complaint_or_a_valuable_order_raises_priority_but_never_lowers_it() {
        let normal = assess("My parcel never arrived.");
        let repeated = normal.clone().with_context(&EdgeContext {
            recent_complaints: 1,
            ..EdgeContext::default()
        });
        assert_eq!(repeated.priority, Priority::High);
        assert!(repeated
            .signals
            .iter()
            .any(|s| s.rule == "repeat_complaint"));

        let valuable = EdgeContext {
            order_value: Some(120_000),
            high_value_threshold: Some(50_000),
            ..EdgeContext::default()
        };
        assert_eq!(
            normal.clone().with_context(&valuable).priority,
            Priority::High
        );
        let cheap = EdgeContext {
            order_value: Some(1_000),
            ..valuable
        };
        assert_eq!(normal.with_context(&cheap).priority, Priority::Normal);

        let urgent = assess("The charger caught fire.").with_context(&valuable);
        assert_eq!(urgent.priority, Priority::Urgent);
    }

    #[test]
    fn empty_text_is_other_and_nonsense_is_neither_urgent_nor_high() {
        assert_eq!(verdict(""), (Category::Other, Priority::Normal, false));
        assert_eq!(verdict("?!…"), (Category::Other, Priority::Normal, false));
        let (_, priority, safety) = verdict("asdf qwer zxcv");
        assert!(priority < Priority::High && !safety, "{priority:?}");
    }
}
