//! A resource of the deploy that could not be read: left out of the model, and shown where
//! a flow relies on it.

/// A problem with one resource: it is left out of the model, and the problem is shown
/// where a flow relies on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployProblem {
    pub address: String,
    pub at: String,
    /// The name flows use for it, when it could be read.
    pub name: Option<String>,
    pub message: String,
}

impl DeployProblem {
    /// Whether a reference (`TYPE.NAME`, `TYPE.NAME["key"]`: the address a reference to
    /// the resource's id names offline) names this resource.
    pub fn refers_to(&self, target: &str) -> bool {
        self.address == target
            || self
                .address
                .split_once('[')
                .is_some_and(|(bare, _)| bare == target)
    }
}

impl std::fmt::Display for DeployProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.address, self.at, self.message)
    }
}
