//! How agents move a case along: new → in progress → waiting for the shopper →
//! resolved → closed, with reopening. Every move not listed here is refused with a
//! stable code, so two agents (or a stale tab) cannot put a case somewhere odd.

use crate::case::CaseStatus;
use crate::complaint::Resolution;

/// Why a status change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowError {
    /// The case cannot go from its status to the one asked for.
    IllegalTransition { from: CaseStatus, to: CaseStatus },
    /// Resolving a case says what was done for the shopper.
    ResolutionRequired,
}

/// The statuses a case may move to from `from`.
pub fn next_statuses(from: CaseStatus) -> &'static [CaseStatus] {
    use CaseStatus::*;
    match from {
        New => &[InProgress, WaitingForShopper, Resolved, Closed],
        InProgress => &[WaitingForShopper, Resolved, Closed],
        WaitingForShopper => &[InProgress, Resolved, Closed],
        // Reopening: a resolved or closed case goes back to work.
        Resolved => &[Closed, InProgress],
        Closed => &[InProgress],
    }
}

/// Checks a move. A case becomes `resolved` only with the resolution taken (from the
/// taxonomy's resolution codes), given now or earlier.
pub fn check_transition(
    from: CaseStatus,
    to: CaseStatus,
    resolution: Option<Resolution>,
) -> Result<(), WorkflowError> {
    if !next_statuses(from).contains(&to) {
        return Err(WorkflowError::IllegalTransition { from, to });
    }
    if to == CaseStatus::Resolved && resolution.is_none() {
        return Err(WorkflowError::ResolutionRequired);
    }
    Ok(())
}

/// Whether agents still owe the shopper something: open cases count for deadlines.
pub fn is_open(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::New | CaseStatus::InProgress | CaseStatus::WaitingForShopper
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    #[test]
    fn a_case_walks_the_whole_workflow_and_back() {
        let refund = Some(Resolution::FullRefund);
        let path = [
            New,
            InProgress,
            WaitingForShopper,
            InProgress,
            Resolved,
            Closed,
            InProgress,
        ];
        for pair in path.windows(2) {
            assert_eq!(
                check_transition(pair[0], pair[1], refund),
                Ok(()),
                "{pair:?}"
            );
        }
    }

    #[test]
    fn staying_put_and_jumping_back_to_new_are_illegal() {
        for from in [New, InProgress, WaitingForShopper, Resolved, Closed] {
            assert_eq!(
                check_transition(from, New, None),
                Err(WorkflowError::IllegalTransition { from, to: New })
            );
            assert!(check_transition(from, from, Some(Resolution::Other)).is_err());
        }
        assert_eq!(
            check_transition(Closed, Resolved, Some(Resolution::Repair)),
            Err(WorkflowError::IllegalTransition {
                from: Closed,
                to: Resolved
            })
        );
    }

    #[test]
    fn resolving_needs_the_resolution_taken() {
        assert_eq!(
            check_transition(InProgress, Resolved, None),
            Err(WorkflowError::ResolutionRequired)
        );
    }

    #[test]
    fn only_new_in_progress_and_waiting_cases_are_open() {
        assert!(is_open(New) && is_open(InProgress) && is_open(WaitingForShopper));
        assert!(!is_open(Resolved) && !is_open(Closed));
    }
}
