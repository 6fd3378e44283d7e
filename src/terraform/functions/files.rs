//! File, path and encoding functions. File functions resolve a relative path against the
//! root module directory, as Terraform does (it runs there): set for the evaluation by
//! [`set_base`].

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hcl::Value;
use hcl::eval::FuncArgs;

use super::{Reg, any, obj, s, st};

thread_local! {
    static BASE: RefCell<PathBuf> = RefCell::new(PathBuf::from("."));
}

/// Restores the previous base directory when dropped.
pub struct BaseGuard(PathBuf);

impl Drop for BaseGuard {
    fn drop(&mut self) {
        BASE.with(|b| *b.borrow_mut() = std::mem::take(&mut self.0));
    }
}

/// Relative paths of file functions resolve against `root` until the guard drops.
pub fn set_base(root: &Path) -> BaseGuard {
    BaseGuard(BASE.with(|b| std::mem::replace(&mut *b.borrow_mut(), root.to_path_buf())))
}

pub(super) fn register(r: &mut Reg) {
    r.reg("jsonencode", vec![any()], None, |a| {
        serde_json::to_string(&a[0])
            .map(Value::from)
            .map_err(|e| e.to_string())
    });
    r.reg("jsondecode", vec![s()], None, |a| {
        serde_json::from_str::<Value>(st(&a[0])?).map_err(|e| e.to_string())
    });
    r.reg("csvdecode", vec![s()], None, |a| csv_decode(st(&a[0])?));
    r.reg("base64encode", vec![s()], None, |a| {
        Ok(Value::from(
            base64::engine::general_purpose::STANDARD.encode(st(&a[0])?),
        ))
    });
    r.reg("base64decode", vec![s()], None, |a| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(st(&a[0])?)
            .map_err(|e| e.to_string())?;
        String::from_utf8(bytes)
            .map(Value::from)
            .map_err(|_| "the decoded bytes are not UTF-8".into())
    });
    r.reg("sha256", vec![s()], None, |a| {
        Ok(Value::from(sha256_hex(st(&a[0])?.as_bytes())))
    });
    r.reg("basename", vec![s()], None, |a| {
        Ok(Value::from(
            Path::new(st(&a[0])?)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
        ))
    });
    r.reg("dirname", vec![s()], None, |a| {
        let d = Path::new(st(&a[0])?)
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        Ok(Value::from(if d.is_empty() { ".".to_string() } else { d }))
    });
    r.reg("abspath", vec![s()], None, |a| {
        Ok(Value::from(resolve(st(&a[0])?).display().to_string()))
    });
    r.reg("file", vec![s()], None, |a| {
        read(st(&a[0])?).map(Value::from)
    });
    r.reg("fileexists", vec![s()], None, |a| {
        Ok(Value::from(resolve(st(&a[0])?).is_file()))
    });
    r.reg("filesha256", vec![s()], None, |a| {
        let p = resolve(st(&a[0])?);
        let bytes = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        Ok(Value::from(sha256_hex(&bytes)))
    });
    r.reg("filebase64", vec![s()], None, |a| {
        let p = resolve(st(&a[0])?);
        let bytes = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        Ok(Value::from(
            base64::engine::general_purpose::STANDARD.encode(bytes),
        ))
    });
    r.reg("templatefile", vec![s(), any()], None, templatefile);
}

fn resolve(p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    BASE.with(|b| b.borrow().join(p))
}

fn read(p: &str) -> Result<String, String> {
    let full = resolve(p);
    crate::source::read_text(&full).map_err(|e| format!("cannot read {p}: {e}"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// `templatefile(path, vars)`: the file as an HCL template with `vars` and the
/// functions here (Terraform allows no other references inside it).
fn templatefile(a: FuncArgs) -> Result<Value, String> {
    let text = read(st(&a[0])?)?;
    let vars = obj(&a[1])?;
    let tpl: hcl::Template = text
        .parse()
        .map_err(|e| format!("the template {}: {e}", st(&a[0]).unwrap_or("")))?;
    let mut ctx = super::context();
    for (k, v) in vars {
        ctx.declare_var(k.as_str(), v.clone());
    }
    hcl::eval::Evaluate::evaluate(&tpl, &ctx)
        .map(Value::from)
        .map_err(|e| e.to_string())
}

/// `csvdecode`: RFC 4180 CSV with a header line, one object of strings per row, as
/// Terraform 1.11 decodes it (checked with `terraform console`): every row has the
/// header's number of fields, column names are unique, and an empty text has no header.
fn csv_decode(text: &str) -> Result<Value, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) if !h.is_empty() => h.iter().map(str::to_string).collect(),
        Ok(_) => return Err("missing header line".into()),
        Err(e) => return Err(format!("CSV parse error: {e}")),
    };
    let mut seen = std::collections::BTreeSet::new();
    if let Some(d) = headers.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(format!("duplicate column name {d:?}"));
    }
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) => {
                format!(
                    "CSV parse error on line {}: wrong number of fields",
                    p.line()
                )
            }
            _ => format!("CSV parse error: {e}"),
        })?;
        let row: hcl::Map<String, Value> = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.clone(), Value::from(v)))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each answer as `terraform console` 1.11 gives it.
    #[test]
    fn csvdecode_as_terraform_decodes() {
        let rows = csv_decode("a,b\n1,2\n\"x, y\",\"q\"\"r\"\r\n").unwrap();
        assert_eq!(
            rows,
            Value::Array(vec![
                Value::Object([("a".into(), "1".into()), ("b".into(), "2".into())].into()),
                Value::Object([("a".into(), "x, y".into()), ("b".into(), "q\"r".into())].into()),
            ])
        );
        assert_eq!(csv_decode("a,b").unwrap(), Value::Array(vec![]));
        assert_eq!(
            csv_decode("a,b\n1\n").unwrap_err(),
            "CSV parse error on line 2: wrong number of fields"
        );
        assert_eq!(
            csv_decode("a,a\n1,2\n").unwrap_err(),
            "duplicate column name \"a\""
        );
        assert_eq!(csv_decode("").unwrap_err(), "missing header line");
    }
}
