use std::hash::Hasher;

use super::shard::Fnv1a;
use super::*;

#[test]
fn shard_parsing() {
    assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
    assert!("0/3".parse::<Shard>().is_err());
    assert!("4/3".parse::<Shard>().is_err());
    assert!("1/0".parse::<Shard>().is_err());
    assert!("x".parse::<Shard>().is_err());
}

#[test]
fn shards_are_disjoint_and_cover_everything() {
    let names: Vec<(String, String)> = (0..500)
        .map(|i| (format!("suite {}", i % 7), format!("case {i}")))
        .collect();
    for n in 1..=5u64 {
        let mut seen = vec![0usize; names.len()];
        for k in 1..=n {
            let sh = Shard { index: k, count: n };
            for (i, (s, c)) in names.iter().enumerate() {
                if sh.contains(s, c) {
                    seen[i] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1), "n={n}");
    }
}

struct Counting(std::sync::Mutex<Vec<String>>);

impl FixtureSource for Counting {
    fn read(&self, fixture: &FixtureRef) -> Result<String, String> {
        if let Ok(mut v) = self.0.lock() {
            v.push(fixture.display().to_owned());
        }
        FileSource.read(fixture)
    }
}

struct Collect(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Reporter for Collect {
    fn event(&mut self, e: &Event) -> io::Result<()> {
        let line = match e {
            Event::RunStarted { suites } => format!("start {}", suites.len()),
            Event::CaseFinished(c) => format!("{} / {}", c.suite_file, c.case_name),
            Event::RunFinished(s) => format!("end {} {}", s.passed, s.failed),
            Event::Warning(_) => "warning".into(),
            Event::LoadFailed { .. } => "load failed".into(),
        };
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .push(line);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .push("flush".into());
        Ok(())
    }
}

#[test]
fn fixtures_are_read_once_and_results_come_in_file_order() {
    let source = Arc::new(Counting(std::sync::Mutex::new(Vec::new())));
    let config = RunConfig {
        paths: vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))],
        source: source.clone(),
        ..RunConfig::default()
    };
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Collect(seen.clone()))];
    let report = run(&config, &mut reporters);
    assert_eq!(report.status, RunStatus::Passed);
    let mut reads = source.0.lock().unwrap().clone();
    let n = reads.len();
    reads.sort();
    reads.dedup();
    assert_eq!(n, reads.len(), "a fixture was read twice");
    assert_eq!(n, 4);
    let all = seen.lock().unwrap().clone();
    // Reporters buffer case lines: whatever came before a warning (which may go to the
    // other stream) is flushed first, and results are flushed as batches arrive.
    for (i, e) in all.iter().enumerate() {
        if e == "warning" {
            assert_eq!(all[i - 1], "flush", "{all:?}");
        }
    }
    assert!(all.iter().any(|e| e == "flush"));
    let events: Vec<String> = all.into_iter().filter(|e| e != "flush").collect();
    assert_eq!(events.first().map(String::as_str), Some("start 4"));
    assert_eq!(events.last().map(String::as_str), Some("end 12 0"));
    let loaded = load(&config).unwrap();
    let expected: Vec<String> = loaded
        .suites
        .iter()
        .flat_map(|s| {
            s.cases
                .iter()
                .map(move |c| format!("{} / {}", s.file, c.name))
        })
        .collect();
    // The sample's deliberate case mismatches are reported as near-miss warnings.
    let (warnings, cases): (Vec<String>, Vec<String>) = events[1..events.len() - 1]
        .iter()
        .cloned()
        .partition(|e| e == "warning");
    assert_eq!(warnings.len(), 3);
    assert_eq!(cases, expected);
}

#[test]
fn fnv1a_is_the_published_function() {
    let mut h = Fnv1a::default();
    h.write(b"a");
    assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
}
