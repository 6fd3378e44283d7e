//! The integration tests, one binary: building and linking one test executable instead of one
//! per file is most of what `cargo test` spends after a change. Each module is a former test
//! file; `support` is the in-process Platform API mock they share.

mod report_fixture;
mod support;

mod bad_inputs;
mod bad_inputs_matrix;
mod bot_actions;
mod bots;
mod deploy_cli;
mod deploy_gen;
mod expr_cli;
mod expr_diagnostics;
mod expr_eval;
mod expr_real_flows;
mod failures_cli;
mod first_contact;
mod flow_catalogue;
mod flow_cli;
mod flow_kinds;
mod flow_real;
mod gen_bots;
mod gen_cli;
mod gen_output;
mod graph_cli;
mod guest_cli;
mod guest_session;
mod hardening;
mod held_out;
mod init_first_run;
mod layering;
mod lint_cli;
mod live_cli;
mod live_client;
mod nlu_cli;
mod nlu_detect;
mod project_cli;
mod project_config;
mod readme;
mod redaction_output;
mod report_junit_schema;
mod report_snapshots;
mod run_ergonomics;
mod semantics;
mod snapshot_cli;
mod source_layer;
mod stop_cli;
mod streams;
mod suite_cli;
mod suite_flow;
mod suite_live;
mod suite_report_snapshots;
mod terraform_cli;
mod walk_cli;
mod workflows;
mod write_safety;
