//! What the storefront knows about the shopper's order fills the widget's fields: the
//! tag's `data-order-number` and `data-email` when the widget is drawn, and the page's
//! `Redress("open", {orderId, email})` at every opening (a list of orders, one
//! "Report a problem" each). The page never writes over the shopper's own words: a
//! kept draft or anything typed since.

/// What a field holds and what the page last put there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefilled {
    from_page: Option<String>,
}

impl Prefilled {
    /// The value the field takes when the page offers `offered` while it holds
    /// `current`, or `None` to leave it: the page's value goes into an empty field or
    /// over the page's own earlier value, never over the shopper's words.
    pub fn offer<'a>(&mut self, current: &str, offered: Option<&'a str>) -> Option<&'a str> {
        let offered = offered.filter(|o| !o.is_empty())?;
        let page_wrote_it = current.is_empty() || self.from_page.as_deref() == Some(current);
        if !page_wrote_it || current == offered {
            return None;
        }
        self.from_page = Some(offered.to_owned());
        Some(offered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_fills_an_empty_field() {
        assert_eq!(Prefilled::default().offer("", Some("B-77")), Some("B-77"));
    }

    #[test]
    fn a_later_opening_replaces_what_the_page_put_there() {
        let mut field = Prefilled::default();
        field.offer("", Some("B-77"));
        assert_eq!(field.offer("B-77", Some("B-78")), Some("B-78"));
        assert_eq!(field.offer("B-78", Some("B-79")), Some("B-79"));
    }

    #[test]
    fn the_shoppers_words_are_never_replaced() {
        let mut field = Prefilled::default();
        assert_eq!(field.offer("kept from a draft", Some("B-77")), None);
        field.offer("", Some("B-77"));
        assert_eq!(field.offer("B-77 and B-80", Some("B-78")), None);
    }

    #[test]
    fn no_offer_or_an_empty_one_leaves_the_field() {
        let mut field = Prefilled::default();
        assert_eq!(field.offer("", None), None);
        assert_eq!(field.offer("", Some("")), None);
        assert_eq!(field.offer("B-77", Some("B-77")), None);
    }
}
