//! Queue names of the deploy, and the near miss of a name that is not one.

/// The deploy's queue a name nearly matches: the same but for letter case, or within
/// two edits. `None` when the name is a queue of the deploy, or nothing is close.
pub fn near<'q>(name: &str, queues: impl IntoIterator<Item = &'q str> + Clone) -> Option<&'q str> {
    if queues.clone().into_iter().any(|q| q == name) {
        return None;
    }
    if let Some(q) = queues
        .clone()
        .into_iter()
        .find(|q| q.eq_ignore_ascii_case(name))
    {
        return Some(q);
    }
    queues
        .into_iter()
        .map(|q| (crate::diag::edit_distance_exact(name, q), q))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, q)| (*d, *q))
        .map(|(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blueprint_typo_is_near_its_queue() {
        let qs = ["dude-cancellations", "dude-general-support"];
        assert_eq!(
            near("dude-general-suport", qs),
            Some("dude-general-support")
        );
        assert_eq!(
            near("Dude-General-Support", qs),
            Some("dude-general-support")
        );
        assert_eq!(near("dude-general-support", qs), None);
        assert_eq!(near("Billing", qs), None);
    }
}
