//! The loaded flow: states, tasks and actions with every value compiled and every
//! reference resolved, each carrying its byte offset in the original flow file.

pub(crate) mod bot;

use crate::expr::{Compiled, Type, Value};

/// A value slot of an action (`lit:`, `exp:`, `var:` or `noValue: true`).
#[derive(Debug, Clone)]
pub(crate) struct Val {
    /// The value.
    pub kind: ValKind,
    /// Byte offset of the value in the original file.
    pub at: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum ValKind {
    /// A literal, already converted to the slot's type.
    Lit(Value),
    /// An expression (a `var:` read is compiled as the expression naming it).
    Exp {
        compiled: Box<Compiled>,
        /// Original-file offset of each byte of the expression source (plus one past it).
        offsets: Vec<usize>,
    },
    /// `noValue: true`, of the slot's type.
    NoValue(Type),
}

/// A variable an action writes.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Canonical name, as written.
    pub name: String,
    /// Its type (declared, or inferred from the first action that writes it).
    pub ty: Type,
    /// Byte offset in the original file.
    pub at: usize,
}

/// A declared variable and its initial value.
#[derive(Debug, Clone)]
pub(crate) struct VarInit {
    pub target: Target,
    pub init: Val,
}

/// A sequence of actions.
pub(crate) type Block = Vec<Action>;

/// One action.
#[derive(Debug, Clone)]
pub(crate) struct Action {
    /// `name:` (may repeat across the flow).
    pub name: String,
    /// The Archy key, e.g. `callData`.
    pub kind: String,
    /// Byte offset of the action's key in the original file.
    pub at: usize,
    pub body: Body,
}

/// What an action does.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    GetParticipantData(Vec<(Val, Target)>),
    SetParticipantData(Vec<(Val, Val)>),
    UpdateData(Vec<(Target, Val)>),
    Decision {
        cond: Val,
        yes: Block,
        no: Block,
        /// Branch ids of yes and no.
        branches: [usize; 2],
    },
    Switch {
        /// `firstMatch`: the expression cases are compared with; `firstTrue`: none.
        subject: Option<Val>,
        cases: Vec<(Val, Block, usize)>,
        default: Block,
        default_branch: usize,
    },
    Loop {
        count: Val,
        index: Option<Target>,
        body: Block,
    },
    LoopNext,
    LoopExit,
    CallTask {
        task: usize,
        outputs: Vec<(String, Block)>,
    },
    EndTask(String),
    ChangeState(usize),
    SendResponse(Val),
    Transfer(Box<Transfer>),
    Disconnect,
    ScreenPop {
        script: String,
        inputs: Vec<(String, Val)>,
    },
    /// An action that reaches outside the flow; its outcome comes from a stub.
    External(Box<External>),
    /// Data Table Lookup: looked up in the rules file's `tables:` (or a stub).
    TableLookup(Box<TableLookup>),
    /// A transfer that is not to an ACD queue (to a flow, user, group or number).
    TransferOther(Box<OtherTransfer>),
    /// A bot action (`askForIntent`, `digitalMenu`, `communicate`, …), in bot flows.
    Bot(Box<bot::BotAction>),
    /// An action with no effect on routing (milestones, outcomes, wrap-up codes, …):
    /// its values are evaluated (a runtime error follows error handling) and recorded.
    Record(Vec<Val>),
}

#[derive(Debug, Clone)]
pub(crate) struct TableLookup {
    /// The data table's name, as the flow names it.
    pub table: String,
    /// The key looked up (`lookupValue`).
    pub key: Val,
    /// `foundOutputs`: column name and the variable it sets.
    pub found: Vec<(String, Target)>,
    /// `failureOutputs`: `errorType` / `errorMessage` and the variable each sets.
    pub failure: Vec<(String, Target)>,
    /// `foundOutputs` are assigned on found, `failureOutputs` on failure.
    pub assigned: AssignedOn,
    /// found, notFound and failure, in that order.
    pub outputs: Vec<Output>,
}

#[derive(Debug, Clone)]
pub(crate) struct OtherTransfer {
    /// What the transfer targets: the word after `transferTo` (`flow`, `user`, …).
    pub to: String,
    /// The target: a value, or a name written as a mapping key.
    pub target: Option<Val>,
    pub target_name: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub queue: Val,
    pub skills: Vec<Val>,
    pub priority: Option<Val>,
    pub preferred: Option<Val>,
    pub language_skill: Option<Val>,
    pub direct_agent: Option<Val>,
}

/// Which output paths assign each variable an external action writes. Genesys assigns
/// a data action's successOutputs only on success and its failureOutputs only on
/// failure, a lookup's found outputs only on found, and nothing on timeout (issue #26):
/// a stub taking one path cannot set what only another assigns.
#[derive(Debug, Clone, Default)]
pub(crate) struct AssignedOn(Vec<(String, Option<String>)>);

impl AssignedOn {
    /// `var` is assigned on `path` (None: on every path).
    pub fn add(&mut self, var: &str, path: Option<&str>) {
        let entry = (var.to_string(), path.map(str::to_string));
        if !self.0.contains(&entry) {
            self.0.push(entry);
        }
    }

    pub fn extend(&mut self, other: &AssignedOn) {
        for (var, path) in &other.0 {
            self.add(var, path.as_deref());
        }
    }

    /// Whether taking `output` (None: the single path) assigns `var`. A variable
    /// never added is assigned on every path.
    pub fn assigns(&self, var: &str, output: Option<&str>) -> bool {
        let mut entries = self.0.iter().filter(|(v, _)| v.eq_ignore_ascii_case(var));
        let mut any = false;
        let hit = entries.any(|(_, p)| {
            any = true;
            p.is_none() || p.as_deref() == output
        });
        hit || !any
    }

    /// The paths that assign `var`, when not every path does.
    pub fn paths_of(&self, var: &str) -> Option<Vec<&str>> {
        let mut out = Vec::new();
        for (v, p) in &self.0 {
            if v.eq_ignore_ascii_case(var) {
                out.push(p.as_deref()?);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The variables `output` assigns, of `vars`.
    pub fn assigned_by<'v>(&self, output: Option<&str>, vars: &'v [String]) -> Vec<&'v str> {
        vars.iter()
            .filter(|v| self.assigns(v, output))
            .map(String::as_str)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct External {
    /// Input values, evaluated (a runtime error in one follows error handling).
    pub inputs: Vec<Val>,
    /// Variables the action may set.
    pub sets: Vec<Target>,
    /// The output paths on which each of `sets` is assigned.
    pub assigned_on: AssignedOn,
    /// Every output path the action kind has, with its branch id and actions.
    pub outputs: Vec<Output>,
    /// What Evaluate Schedule (Group) evaluates, for the deploy's schedules.
    pub schedule: Option<Box<ScheduleCall>>,
    /// For a call to a bot or common module: the flow called and how values pass
    /// (run from the project's flows unless a stub answers for it).
    pub call: Option<Box<bot::Call>>,
}

/// The settings of an Evaluate Schedule or Evaluate Schedule Group action.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScheduleCall {
    /// The schedule (`selectedSchedule`) or schedule group (`scheduleGroup`).
    pub target: Option<Val>,
    /// The emergency group (`emergencyGroup`, or the emergency evaluation type).
    pub emergency: Option<Val>,
    /// `scheduleTimeZone`: the zone the schedule's times are read in.
    pub time_zone: Option<Val>,
    /// `evaluationTimeZone`: the zone Architect shows by default.
    pub default_zone: Option<String>,
    /// The instant evaluated; None: the run's clock (`evaluate: { now: true }`).
    pub at: Option<Val>,
}

#[derive(Debug, Clone)]
pub(crate) struct Output {
    pub name: String,
    pub branch: usize,
    pub actions: Block,
}

/// A state or a reusable task.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub name: String,
    pub at: usize,
    pub vars: Vec<VarInit>,
    pub actions: Block,
}

/// What `settingsErrorHandling` does with a runtime error.
#[derive(Debug, Clone)]
pub(crate) enum ErrorHandling {
    Disconnect,
    Transfer(Box<Transfer>),
}

/// The output paths of each external action kind (empty: a single path).
pub(crate) fn external_outputs(kind: &str) -> Option<&'static [&'static str]> {
    match super::catalogue::lookup(kind)?.handling {
        super::catalogue::Handling::Stub(outputs) => Some(outputs),
        _ => None,
    }
}

/// The type a `find*` action's `findResult` holds.
pub(crate) fn find_result_type(kind: &str) -> Type {
    match kind {
        "findQueue" | "findQueueById" => Type::Queue,
        "findUser" | "findUserById" => Type::User,
        "findGroup" => Type::Group,
        "findSkill" => Type::Skill,
        "findLanguageSkill" => Type::LanguageSkill,
        "findSchedule" => Type::Schedule,
        "findScheduleGroup" => Type::ScheduleGroup,
        "findEmergencyGroup" => Type::EmergencyGroup,
        _ => Type::String,
    }
}
