//! Filling `{name}` placeholders in text: catalogs' words, saved replies.

/// `template` with each `{name}` that `value` gives a value for replaced by it, in one
/// pass: a value is never read for placeholders (one holding `{reference}` stays those
/// characters), and braces `value` knows nothing of stay as written.
pub fn fill_named(template: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((value(&after[..close])?, close)))
        {
            Some((filled, close)) => {
                out.push_str(&filled);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_filled_once_and_the_rest_stays_as_written() {
        let value = |name: &str| (name == "a").then(|| "{a}{b}".to_owned());
        assert_eq!(fill_named("{a} {b} {} {a", value), "{a}{b} {b} {} {a");
        assert_eq!(fill_named("no braces", value), "no braces");
    }
}
