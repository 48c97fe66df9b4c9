//! What the edge reads from the world for `shared`: random bytes and the time.

use redress_shared::{ApiError, ErrorCode};

/// `N` bytes from the platform's CSPRNG (`crypto.getRandomValues`).
pub fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| ApiError::new(ErrorCode::Internal, "No randomness available."))?;
    Ok(bytes)
}

/// Now, as RFC 3339 in UTC with milliseconds (`shared::time`).
pub fn now_rfc3339() -> String {
    redress_shared::time::rfc3339(now_ms())
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Now, in unix milliseconds, as `shared`'s form tokens count them.
pub fn now_unix_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A time zone as the platform's `Intl` knows it, for `shared::business_hours`: the
/// runtime keeps the IANA data current, and the worker carries none.
pub struct IntlZone {
    /// `None`: the platform does not know the name, and the zone is UTC.
    format: Option<js_sys::Intl::DateTimeFormat>,
}

impl IntlZone {
    /// The zone a store's business hours are kept in (UTC when it keeps none).
    pub fn of_store(store: &redress_shared::store::StoreConfig) -> IntlZone {
        match &store.business_hours {
            Some(hours) => IntlZone::named(&hours.time_zone),
            None => IntlZone { format: None },
        }
    }

    /// The zone called `name` (`Europe/Berlin`); UTC, logged, if there is none such.
    pub fn named(name: &str) -> IntlZone {
        let options = js_sys::Object::new();
        let set = |key: &str, value: &str| {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        };
        set("timeZone", name);
        set("hourCycle", "h23");
        for field in ["year", "month", "day", "hour", "minute", "second"] {
            set(field, "numeric");
        }
        let args = js_sys::Array::of2(&js_sys::Array::of1(&"en-US".into()), &options);
        // Constructed through Reflect so that an unknown zone's RangeError is an
        // error here, not a trap.
        let format = js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
            .and_then(|intl| js_sys::Reflect::get(&intl, &"DateTimeFormat".into()))
            .and_then(|class| js_sys::Reflect::construct(&class.into(), &args));
        match format {
            Ok(format) => IntlZone {
                format: Some(format.into()),
            },
            Err(_) => {
                worker::console_warn!("unknown time zone {name:?}: counting in UTC");
                IntlZone { format: None }
            }
        }
    }
}

impl redress_shared::business_hours::Zone for IntlZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        use redress_shared::time::{days_from_civil, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE};
        let Some(format) = &self.format else {
            return 0;
        };
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_ms as f64));
        let mut fields = [0_i64; 6];
        for part in format.format_to_parts(&date).iter() {
            let get = |key: &str| {
                js_sys::Reflect::get(&part, &key.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            let slot = match get("type").as_deref() {
                Some("year") => 0,
                Some("month") => 1,
                Some("day") => 2,
                Some("hour") => 3,
                Some("minute") => 4,
                Some("second") => 5,
                _ => continue,
            };
            fields[slot] = get("value").and_then(|v| v.parse().ok()).unwrap_or(0);
        }
        let [year, month, day, hour, minute, second] = fields;
        let local = days_from_civil(year, month, day) * MS_PER_DAY
            + (hour % 24) * MS_PER_HOUR
            + minute * MS_PER_MINUTE
            + second * 1000;
        local - (utc_ms - utc_ms.rem_euclid(1000))
    }
}
