//! Times `routecheck test DIR` against the floor (`examples/floor.rs`: only parsing the same
//! input) in one interleaved run — A B A B … — and prints each one's median wall time and the
//! median of the pairwise ratios, so a drifting machine speed cancels out.
//!
//! ```text
//! cargo build --release --examples && cargo build --release
//! ./target/release/examples/gen_bench 10000 10 /tmp/rcbench/10000
//! ./target/release/examples/bench_vs_floor /tmp/rcbench/10000 [RUNS] [-- EXTRA ROUTECHECK ARGS]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let took = start.elapsed();
    // routecheck exits 1 on failing checks, which is a valid run to time; 2 or a signal is not.
    if !matches!(status.code(), Some(0 | 1)) {
        eprintln!("{cmd:?} ended with {status}");
        std::process::exit(2);
    }
    took
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn sibling(name: &str) -> PathBuf {
    // This binary is target/release/examples/bench_vs_floor: floor is beside it, routecheck one up.
    let me = std::env::current_exe().expect("current exe");
    let dir = me.parent().expect("examples dir");
    if name == "routecheck" {
        dir.parent().expect("release dir").join("routecheck")
    } else {
        dir.join(name)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let (ours, extra) = args.split_at(split);
    let extra = extra.get(1..).unwrap_or(&[]);
    let Some(dir) = ours.first().map(Path::new) else {
        eprintln!("usage: bench_vs_floor DIR [RUNS] [-- EXTRA ROUTECHECK ARGS]");
        std::process::exit(2);
    };
    let runs: usize = ours.get(1).and_then(|r| r.parse().ok()).unwrap_or(7).max(1);
    let routecheck = sibling("routecheck");
    let floor = sibling("floor");
    // One warm-up each, not counted: the page cache then holds the fixtures for both.
    let mut a = Command::new(&routecheck);
    a.arg("test").arg(dir).args(extra);
    let mut b = Command::new(&floor);
    b.arg(dir);
    time(&mut a);
    time(&mut b);
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let x = time(&mut a).as_secs_f64();
        let y = time(&mut b).as_secs_f64();
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    println!("runs: {runs} interleaved pairs, after one warm-up each");
    println!("routecheck test: median {:.3} s", median(ta));
    println!("floor:           median {:.3} s", median(tb));
    println!("routecheck / floor: median ratio {:.2}", median(ratios));
}
