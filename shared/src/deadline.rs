//! Response deadlines: how long a store has to answer a case, by its priority.

use serde::{Deserialize, Serialize};

use crate::categorize::Priority;

/// Hours to a first answer, per priority. Stores set their own (a store selling on
/// AliExpress must answer disputes within 5 days); these are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsePolicy {
    pub urgent_hours: u32,
    pub high_hours: u32,
    pub normal_hours: u32,
    pub low_hours: u32,
}

impl Default for ResponsePolicy {
    fn default() -> Self {
        ResponsePolicy {
            urgent_hours: 2,
            high_hours: 12,
            normal_hours: 24,
            low_hours: 72,
        }
    }
}

impl ResponsePolicy {
    pub fn hours_for(&self, priority: Priority) -> u32 {
        match priority {
            Priority::Urgent => self.urgent_hours,
            Priority::High => self.high_hours,
            Priority::Normal => self.normal_hours,
            Priority::Low => self.low_hours,
        }
    }

    /// The deadline for a case created at `created_ms` (unix milliseconds).
    pub fn deadline_ms(&self, created_ms: i64, priority: Priority) -> i64 {
        created_ms + i64::from(self.hours_for(priority)) * 3_600_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgent_cases_are_due_first_and_low_ones_last() {
        let policy = ResponsePolicy::default();
        let created = 1_700_000_000_000;
        let due = |p| policy.deadline_ms(created, p) - created;
        assert_eq!(due(Priority::Urgent), 2 * 3_600_000);
        assert!(due(Priority::Urgent) < due(Priority::High));
        assert!(due(Priority::High) < due(Priority::Normal));
        assert!(due(Priority::Normal) < due(Priority::Low));
    }

    #[test]
    fn a_store_sets_its_own_hours() {
        let five_days = ResponsePolicy {
            normal_hours: 120,
            ..ResponsePolicy::default()
        };
        assert_eq!(five_days.deadline_ms(0, Priority::Normal), 120 * 3_600_000);
    }
}
