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
