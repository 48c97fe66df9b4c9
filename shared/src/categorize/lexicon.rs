//! The cue lexicon (`shared/lexicon/cues.tsv`) and the one-pass matcher.
//!
//! The edge and `classify` compile the lexicon in (feature `embedded-lexicon`); the
//! widget fetches the same file when the shopper starts typing, which keeps ~27 KB gzip
//! of data out of what a storefront loads when the widget opens.
//!
//! Matching is substring search on normalised text, indexed by each cue's first
//! character: a few thousand cues cost a handful of comparisons per character, with no
//! per-language tokeniser. Cues in spaced scripts must start a word (so stems work:
//! "arriv" matches "arrived"); Han, kana, Hangul and Arabic cues match anywhere, since
//! those scripts join words or attach particles and articles.

use std::collections::HashMap;

use super::taxonomy::{Category, SubReason};

/// What a matched cue says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Category(Category, Option<SubReason>),
    /// Support conduct that only counts when nothing else is the subject (tie-break 5).
    SoftService,
    Flag(Flag),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Flag {
    Safety,
    Legal,
    Dispute,
    Repeat,
    FailedFix,
    Wish,
    Refund,
    Waiting,
    Transit,
    Use,
}

pub(crate) struct Cue {
    /// As written in the lexicon, for the signals shown to agents.
    pub phrase: String,
    /// The ISO 639-1 code of the lexicon section the cue is listed in.
    pub lang: Option<LangCode>,
    pattern: String,
    word_start: bool,
    word_end: bool,
    pub target: Target,
    pub weight: f32,
}

/// A two-letter language code from a section header.
pub(crate) type LangCode = [u8; 2];

/// A parsed cue lexicon, ready to match.
pub struct Lexicon {
    pub(crate) cues: Vec<Cue>,
    /// Cues by their first two characters; a one-character cue (单字 in Chinese) by
    /// its character and [`ONE_CHAR`].
    by_prefix: HashMap<(char, char), Vec<u32>, CharPairHasher>,
}

const ONE_CHAR: char = '\0';

fn prefix_of(pattern: &str) -> Option<(char, char)> {
    let mut chars = pattern.chars();
    chars.next().map(|a| (a, chars.next().unwrap_or(ONE_CHAR)))
}

/// Keys here are one or two characters: a multiplicative hash is plenty, and much
/// cheaper than SipHash in the matcher's inner loop.
#[derive(Clone, Copy, Default)]
pub(crate) struct CharPairHasher;

#[derive(Default)]
pub(crate) struct CharHash(u64);

impl std::hash::BuildHasher for CharPairHasher {
    type Hasher = CharHash;
    fn build_hasher(&self) -> CharHash {
        CharHash(0)
    }
}

impl std::hash::Hasher for CharHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(21) ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A line of the lexicon that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexiconError {
    pub line: usize,
    pub fault: LexiconFault,
}

/// What is wrong with a lexicon line. An enum, not text, so the widget (which only needs
/// "unreadable") ships no messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexiconFault {
    /// Not `target<TAB>weight<TAB>cues`.
    MissingFields,
    UnknownTarget,
    BadWeight,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.fault {
            LexiconFault::MissingFields => "expected target, weight and cues",
            LexiconFault::UnknownTarget => "unknown target",
            LexiconFault::BadWeight => "bad weight",
        };
        write!(f, "cues.tsv line {}: {what}", self.line)
    }
}

/// The lexicon compiled into this binary.
#[cfg(feature = "embedded-lexicon")]
pub fn embedded() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(|| {
        Lexicon::parse(include_str!("../../lexicon/cues.tsv"))
            .unwrap_or_else(|e| panic!("the embedded lexicon is tested to parse: {e}"))
    })
}

impl Lexicon {
    pub fn parse(source: &str) -> Result<Lexicon, LexiconError> {
        let mut cues: Vec<Cue> = Vec::new();
        let mut by_prefix: HashMap<(char, char), Vec<u32>, CharPairHasher> = HashMap::default();
        let mut section: Option<LangCode> = None;
        for (n, line) in source.lines().enumerate() {
            if let Some(header) = line.strip_prefix("## ") {
                section = header.as_bytes().get(..2).and_then(|c| c.try_into().ok());
                continue;
            }
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |fault| LexiconError { line: n + 1, fault };
            let mut fields = line.split('\t');
            let (Some(target), Some(weight), Some(phrases)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(error(LexiconFault::MissingFields));
            };
            let target = parse_target(target).ok_or_else(|| error(LexiconFault::UnknownTarget))?;
            let weight = parse_weight(weight).ok_or_else(|| error(LexiconFault::BadWeight))?;
            for phrase in phrases.split('|').filter(|p| !p.trim().is_empty()) {
                let mut cue = Cue::new(phrase, target, weight);
                cue.lang = section;
                let Some(prefix) = prefix_of(&cue.pattern) else {
                    continue;
                };
                let ids = by_prefix.entry(prefix).or_default();
                // The same word in two languages' lists ("account") counts once.
                let duplicate = ids.iter().any(|&i| {
                    let other = &cues[i as usize];
                    other.pattern == cue.pattern && other.target == cue.target
                });
                if !duplicate {
                    ids.push(cues.len() as u32);
                    cues.push(cue);
                }
            }
        }
        Ok(Lexicon { cues, by_prefix })
    }

    /// Indices of the distinct cues found in `text`, which must come from [`normalize`].
    pub(crate) fn find(&self, text: &str) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        let mut previous = ' ';
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map_or(ONE_CHAR, |&(_, n)| n);
            let two = self.by_prefix.get(&(c, next));
            let one = self.by_prefix.get(&(c, ONE_CHAR));
            for &id in two.into_iter().chain(one).flatten() {
                let cue = &self.cues[id as usize];
                if cue.word_start && previous != ' ' {
                    continue;
                }
                // No indexing into the text: a str index's panic path (its message
                // formatting) is 7 KB of the widget's wasm.
                let Some(after) = text.get(i..).and_then(|r| r.strip_prefix(&*cue.pattern)) else {
                    continue;
                };
                if cue.word_end && !after.starts_with(' ') {
                    continue;
                }
                // A text matches a few dozen cues at most: a linear check beats sorting.
                if !found.contains(&id) {
                    found.push(id);
                }
            }
            previous = c;
        }
        found
    }
}

impl Cue {
    fn new(phrase: &str, target: Target, weight: f32) -> Cue {
        let anywhere = phrase.starts_with('*');
        let word_end = phrase.ends_with('$') || phrase.ends_with(' ');
        let pattern = normalize(phrase.trim_start_matches('*').trim_end_matches('$'))
            .trim()
            .to_owned();
        let joined_script = pattern.chars().next().is_some_and(is_joined_script);
        Cue {
            phrase: phrase
                .trim_start_matches('*')
                .trim_end_matches(['$', ' '])
                .to_owned(),
            lang: None,
            pattern,
            word_start: !anywhere && !joined_script,
            word_end,
            target,
            weight,
        }
    }
}

/// Weights are written as `3` or `2.5`: whole numbers and tenths. Parsed by hand, as
/// `f32::from_str` alone would add kilobytes to the widget.
fn parse_weight(raw: &str) -> Option<f32> {
    let (whole, tenths) = match raw.split_once('.') {
        Some((w, t)) if t.len() == 1 => (w, t),
        Some(_) => return None,
        None => (raw, "0"),
    };
    let whole: u8 = whole.parse().ok()?;
    let tenths: u8 = tenths.parse().ok()?;
    Some(f32::from(whole) + f32::from(tenths) / 10.0)
}

fn parse_target(raw: &str) -> Option<Target> {
    let flag = |f| Some(Target::Flag(f));
    match raw {
        "!safety" => flag(Flag::Safety),
        "!legal" => flag(Flag::Legal),
        "!dispute" => flag(Flag::Dispute),
        "!repeat" => flag(Flag::Repeat),
        "!failed_fix" => flag(Flag::FailedFix),
        "!wish" => flag(Flag::Wish),
        "&refund" => flag(Flag::Refund),
        "&waiting" => flag(Flag::Waiting),
        "^transit" => flag(Flag::Transit),
        "^use" => flag(Flag::Use),
        "service~" => Some(Target::SoftService),
        _ => {
            let (category, sub) = match raw.split_once('/') {
                Some((c, s)) => (c, Some(SubReason::from_code(s)?)),
                None => (raw, None),
            };
            Some(Target::Category(Category::from_code(category)?, sub))
        }
    }
}

/// Lower-cases, turns punctuation into single spaces and pads with a space at each end,
/// so that a word boundary is always a space.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut in_gap = true;
    for c in text.chars() {
        let c = match c {
            'İ' => 'i', // Turkish capital dotted I: plain `i`, not `i` + combining dot
            '’' | '‘' | 'ʼ' | '`' => '\'',
            other => other,
        };
        // Apostrophes and hyphens belong to words ("haven't", "knock-off"), never start them.
        let joiner = c == '\'' || c == '-';
        if is_word_char(c) || (joiner && !in_gap) {
            out.push(fold_case(c));
            in_gap = false;
        } else if !in_gap {
            end_word(&mut out);
            in_gap = true;
        }
    }
    if !in_gap {
        end_word(&mut out);
    }
    out
}

fn end_word(out: &mut String) {
    while out.ends_with(['\'', '-']) {
        out.pop();
    }
    out.push(' ');
}

/// Letters and digits, without the Unicode tables that `char::is_alphanumeric` would
/// add to the widget: anything outside ASCII that is not a known punctuation, symbol
/// or space block counts as part of a word.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c,
        '\u{80}'..='\u{BF}' | '\u{D7}' | '\u{F7}'      // Latin-1 controls, punctuation, signs
        | '\u{2000}'..='\u{2BFF}'                        // spaces, general punctuation, symbols, arrows
        | '\u{2E00}'..='\u{2E7F}'                        // supplemental punctuation
        | '\u{3000}'..='\u{303F}'                        // CJK punctuation: 、。「」
        | '\u{FE30}'..='\u{FE4F}'                        // CJK compatibility forms
        | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' // fullwidth punctuation: ，！？：
        | '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' // Arabic punctuation
        | '\u{FEFF}'                                    // byte order mark
    )
}

/// Lower case for the scripts the lexicon covers (Latin with its European accents,
/// Greek, Cyrillic), again without Unicode's full case tables. Other characters are
/// kept as they are: Han, kana, Hangul and Arabic have no case.
fn fold_case(c: char) -> char {
    let n = c as u32;
    let lower = match n {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => n + 0x20, // A-Z, À-Ö, Ø-Þ
        0x130 => 0x69,                                       // İ → i
        0x100..=0x137 | 0x14A..=0x177 if n.is_multiple_of(2) => n + 1, // Ā ā ... Ķ ķ, Ŋ ŋ ... Ŷ ŷ
        0x139..=0x148 | 0x179..=0x17E if n % 2 == 1 => n + 1, // Ĺ ĺ ... Ň ň, Ź ź ... Ž ž
        0x178 => 0xFF,                                       // Ÿ → ÿ
        0x391..=0x3A1 | 0x3A3..=0x3AB => n + 0x20,           // Greek capitals
        0x400..=0x40F => n + 0x50,                           // Ѐ-Џ
        0x410..=0x42F => n + 0x20,                           // А-Я
        _ => n,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// Scripts that join words, or attach particles and articles to them.
fn is_joined_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{9FFF}' // CJK ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{0600}'..='\u{06FF}' // Arabic
    )
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;

    fn lexicon() -> &'static Lexicon {
        embedded()
    }

    #[test]
    fn the_lexicon_parses_and_every_cue_has_a_pattern() {
        let lexicon = lexicon();
        assert!(lexicon.cues.len() > 1000, "{} cues", lexicon.cues.len());
        assert!(lexicon.cues.iter().all(|c| !c.pattern.is_empty()));
    }

    #[test]
    fn a_broken_lexicon_line_is_reported_with_its_number() {
        let error = Lexicon::parse("# header\ndamaged\t3\tcrushed\nexploded\t1\tboom").err();
        assert_eq!(
            error.map(|e| (e.line, e.fault)),
            Some((3, LexiconFault::UnknownTarget))
        );
    }

    #[test]
    fn normalising_keeps_words_and_apostrophes_and_drops_punctuation() {
        assert_eq!(normalize("It ARRIVED—broken!!"), " it arrived broken ");
        assert_eq!(normalize("Haven’t received it."), " haven't received it ");
        assert_eq!(normalize("İADE"), " iade ");
        assert_eq!(
            normalize("says 'in transit' - since"),
            " says in transit since "
        );
    }

    fn finds(text: &str, phrase: &str) -> bool {
        let lexicon = lexicon();
        lexicon
            .find(&normalize(text))
            .iter()
            .any(|&i| lexicon.cues[i as usize].phrase == phrase)
    }

    #[test]
    fn spaced_scripts_match_at_word_starts_only() {
        assert!(finds("It arrived crushed", "crushed"));
        assert!(!finds("Scourt the shop", "court"));
        assert!(finds("I will see you in court.", "in court"));
    }

    #[test]
    fn joined_scripts_match_inside_words() {
        assert!(finds("快递盒子被压扁了", "压扁"));
        assert!(finds("상품이 파손되어 왔어요", "파손"));
    }

    #[test]
    fn a_trailing_dollar_asks_for_the_end_of_a_word() {
        assert!(finds("Contacted the FTC about it", "ftc"));
        assert!(!finds("ftcx", "ftc"));
    }
}
