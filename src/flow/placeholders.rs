//! `{{placeholder}}` substitution exactly as CX as Code deploys a flow: the provider's
//! `genesyscloud_flow` replaces each `{{key}}` in the file's text (literal,
//! case-sensitive, every occurrence, no trimming, no escaping) before Archy parses the
//! YAML. So a value lands as raw text and can change the YAML's structure; each such
//! value gets a located warning saying what the deployed YAML now reads. An
//! [`OffsetMap`] remembers every replacement so diagnostics in the substituted text
//! point at the original.

use std::collections::BTreeMap;

/// A placeholder with no value, or one the provider never fills (`{{ key }}`); or, as
/// a warning, a value that changes the YAML's structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderError {
    /// The placeholder's name (trimmed).
    pub name: String,
    /// Byte range of `{{...}}` in the original text.
    pub span: (usize, usize),
    /// What is wrong, lowercase.
    pub message: String,
    /// `{{ key }}` with spaces: never replaced by the provider, whatever `vars:` says.
    pub spaced: bool,
}

/// Maps byte offsets in the substituted text back to the original text.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    /// (new start, new end, original start, original end), sorted by new start.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl OffsetMap {
    /// The original offset of a substituted-text offset. Inside a replaced value it is
    /// the start of the `{{...}}` it replaced.
    pub fn to_original(&self, new: usize) -> usize {
        // A binary search: the loader maps every value's offsets, and an exported flow
        // can hold thousands of placeholders.
        let after = self.edits.partition_point(|&(ns, ..)| ns <= new);
        let Some(&(_, ne, os, oe)) = after.checked_sub(1).map(|i| &self.edits[i]) else {
            return new;
        };
        if new < ne {
            return os;
        }
        (new as isize + (oe as isize - ne as isize)).max(0) as usize
    }
}

/// The deployed text, its offset map, and a warning for each value that changes the
/// YAML's structure where it lands.
#[derive(Debug, Clone, Default)]
pub struct Substituted {
    pub text: String,
    pub map: OffsetMap,
    pub warnings: Vec<PlaceholderError>,
}

/// The names of the `{{placeholders}}` of a flow's text that the provider fills (not
/// `{{ spaced }}` ones).
pub fn names(text: &str) -> std::collections::BTreeSet<String> {
    match substitute(text, &BTreeMap::new()) {
        Ok(_) => Default::default(),
        Err(errs) => errs
            .into_iter()
            .filter(|e| !e.spaced)
            .map(|e| e.name)
            .collect(),
    }
}

/// Replace every `{{name}}` from `vars` as the provider does. Every placeholder without
/// a value, and every `{{ name }}` written with spaces, is an error, each located.
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
) -> Result<Substituted, Vec<PlaceholderError>> {
    let mut out = Substituted {
        text: String::with_capacity(text.len()),
        ..Substituted::default()
    };
    let mut errors = Vec::new();
    let mut line_start = 0;
    let mut i = 0;
    while i < text.len() {
        // Copy up to the next `{{` in one piece (a 1.8 MB flow was copied a character at a
        // time), keeping where the current line starts.
        let next = text[i..].find("{{").map_or(text.len(), |n| i + n);
        if next > i {
            let chunk = &text[i..next];
            out.text.push_str(chunk);
            if let Some(nl) = chunk.rfind('\n') {
                line_start = i + nl + 1;
            }
            i = next;
            continue;
        }
        if text[i..].starts_with("{{")
            && let Some(close) = text[i + 2..].find("}}")
        {
            let inner = &text[i + 2..i + 2 + close];
            let name = inner.trim();
            let end = i + 2 + close + 2;
            if is_name(name) && name != inner {
                errors.push(PlaceholderError {
                    name: name.to_string(),
                    span: (i, end),
                    message: format!(
                        "placeholder `{{{{{inner}}}}}` is never filled: CX as Code replaces `{{{{{name}}}}}` exactly, and spaces make it another key"
                    ),
                    spaced: true,
                });
                i = end;
                continue;
            }
            if is_name(name) {
                match vars.get(name) {
                    None => errors.push(PlaceholderError {
                        name: name.to_string(),
                        span: (i, end),
                        message: format!("placeholder `{name}` has no value"),
                        spaced: false,
                    }),
                    Some(v) => {
                        let ctx = context(&text[line_start..i], &text[end..]);
                        if let Some(what) = structure_change(v, ctx, &text[line_start..i]) {
                            out.warnings.push(PlaceholderError {
                                name: name.to_string(),
                                span: (i, end),
                                message: format!(
                                    "the value of placeholder `{name}` ({v:?}) {what}"
                                ),
                                spaced: false,
                            });
                        }
                        let ns = out.text.len();
                        out.text.push_str(v);
                        out.map.edits.push((ns, out.text.len(), i, end));
                    }
                }
                i = end;
                continue;
            }
        }
        // A `{{` that is not a placeholder: keep its first brace and look again after it.
        out.text.push('{');
        i += 1;
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Double,
    Single,
    WholePlain,
    PartPlain,
}

/// Which YAML context a placeholder sits in, judged from the text before it on its line
/// and the text after it. Quotes only open a scalar where YAML allows one to start.
fn context(before: &str, after: &str) -> Ctx {
    let mut quote: Option<char> = None;
    let mut prev_sig: Option<char> = None;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') => {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    quote = None;
                }
            }
            Some(_) => {
                if c == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            None => {
                if (c == '"' || c == '\'')
                    && matches!(prev_sig, None | Some(':' | '-' | '[' | '{' | ',' | '?'))
                {
                    quote = Some(c);
                }
            }
        }
        if !c.is_whitespace() {
            prev_sig = Some(c);
        }
    }
    match quote {
        Some('"') => Ctx::Double,
        Some(_) => Ctx::Single,
        None => {
            let starts_scalar = matches!(prev_sig, None | Some(':' | '-' | '?'))
                && (before.trim_end().is_empty() || before.ends_with(' '));
            let rest = after.trim_start_matches([' ', '\t']);
            let ends_scalar = rest.is_empty()
                || rest.starts_with(['\n', '\r', ':'])
                || rest.starts_with('#') && after.starts_with([' ', '\t']);
            if starts_scalar && ends_scalar {
                Ctx::WholePlain
            } else {
                Ctx::PartPlain
            }
        }
    }
}

/// How a value inserted as raw text changes the YAML where it lands, if it does:
/// "starts a comment: the deployed YAML reads `Sales`", … (YAML 1.2 core schema).
fn structure_change(v: &str, ctx: Ctx, before: &str) -> Option<String> {
    if v.contains(['\n', '\r']) {
        return Some("contains a line break, which changes the YAML's lines".into());
    }
    match ctx {
        Ctx::Double if v.contains('"') => {
            return Some("contains `\"`, which ends the double-quoted string early".into());
        }
        Ctx::Double if v.contains('\\') => {
            return Some(
                "contains `\\`, which starts an escape in the double-quoted string".into(),
            );
        }
        Ctx::Single if v.contains('\'') => {
            return Some("contains `'`, which ends the single-quoted string early".into());
        }
        Ctx::Double | Ctx::Single => return None,
        Ctx::WholePlain | Ctx::PartPlain => {}
    }
    let whole = ctx == Ctx::WholePlain;
    let hash = if v.starts_with('#') && (before.is_empty() || before.ends_with([' ', '\t'])) {
        Some(0)
    } else {
        v.find(" #").or_else(|| v.find("\t#"))
    };
    if let Some(at) = hash {
        let kept = format!("{}{}", before.trim_start(), &v[..at]);
        return Some(format!(
            "starts a comment: the deployed YAML reads `{}`",
            kept.trim_end()
        ));
    }
    if v.contains(": ") || v.ends_with(':') {
        return Some(
            "contains `: `, which starts a mapping: the deployed YAML no longer parses as written"
                .into(),
        );
    }
    if !whole {
        return None;
    }
    let lead = v.chars().next();
    let what = match lead {
        None => return Some("is empty: the deployed YAML reads null".into()),
        Some('&') => "starts with `&`, an anchor",
        Some('*') => "starts with `*`, an alias",
        Some('!') => "starts with `!`, a tag",
        Some('[' | '{') => "starts a flow collection",
        Some('|' | '>') => "starts a block scalar",
        Some('"' | '\'') => "starts a quoted string",
        Some('@' | '`' | '%') => "starts with a character YAML reserves",
        Some(' ' | '\t') => "starts with spaces, which YAML drops",
        _ if v.starts_with("- ") || v == "-" => "starts a list item",
        _ if v.starts_with("? ") => "starts a complex key",
        _ if v.ends_with([' ', '\t']) => "ends with spaces, which YAML drops",
        _ => match v {
            "null" | "Null" | "NULL" | "~" => {
                return Some("is null in YAML: the deployed flow has no value here".into());
            }
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => {
                return Some(format!(
                    "is a boolean in YAML: the deployed YAML reads {}",
                    v.to_ascii_lowercase()
                ));
            }
            _ if is_number(v) => {
                return Some(format!(
                    "is a number in YAML: the deployed YAML reads the number {v}, not the string {v:?}"
                ));
            }
            _ => return None,
        },
    };
    Some(format!(
        "{what}: the deployed YAML no longer reads it as the text {v:?}"
    ))
}

/// A YAML 1.2 core-schema number.
fn is_number(v: &str) -> bool {
    let t = v.strip_prefix(['-', '+']).unwrap_or(v);
    if let Some(h) = t.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = t.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    matches!(t, ".inf" | ".Inf" | ".INF")
        || matches!(v, ".nan" | ".NaN" | ".NAN")
        || (t.starts_with(|c: char| c.is_ascii_digit() || c == '.') && t.parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn one(src: &str, value: &str) -> Substituted {
        substitute(src, &vars(&[("x", value)])).unwrap()
    }

    #[test]
    fn values_land_as_raw_text_like_the_provider_writes_them() {
        let s = one("name: {{x}}\n{{x}}:\n  a: '{{x}}'\n", "Web");
        assert_eq!(s.text, "name: Web\nWeb:\n  a: 'Web'\n");
        assert!(s.warnings.is_empty());
        // Case-sensitive, every occurrence.
        let e = substitute("a: {{X}}\n", &vars(&[("x", "1")])).unwrap_err();
        assert_eq!(e[0].name, "X");
    }

    #[test]
    fn a_hash_starts_a_comment_and_the_warning_says_what_is_left() {
        let s = one("  name: {{x}}\n", "Sales #1");
        assert_eq!(s.text, "  name: Sales #1\n");
        assert_eq!(s.warnings.len(), 1);
        assert!(
            s.warnings[0]
                .message
                .contains("starts a comment: the deployed YAML reads `name: Sales`"),
            "{}",
            s.warnings[0].message
        );
        assert_eq!(s.warnings[0].span, (8, 13));
        // Inside quotes a hash is text.
        assert!(one("name: \"{{x}}\"\n", "Sales #1").warnings.is_empty());
    }

    #[test]
    fn a_colon_null_alias_and_quotes_change_the_structure() {
        let w = |src: &str, v: &str| {
            one(src, v)
                .warnings
                .first()
                .map(|w| w.message.clone())
                .unwrap_or_default()
        };
        assert!(w("name: {{x}}\n", "Sales: VIP").contains("starts a mapping"));
        assert!(w("name: {{x}}\n", "null").contains("is null"));
        assert!(w("name: {{x}}\n", "").contains("reads null"));
        assert!(w("name: {{x}}\n", "*x").contains("an alias"));
        assert!(w("name: {{x}}\n", "&x").contains("an anchor"));
        assert!(w("name: {{x}}\n", "true").contains("boolean"));
        assert!(w("name: {{x}}\n", "007").contains("number"));
        assert!(w("name: \"{{x}}\"\n", "say \"hi\"").contains("ends the double-quoted string"));
        assert!(w("name: '{{x}}'\n", "it's").contains("ends the single-quoted string"));
        assert!(
            w("name: \"{{x}}\"\n", "null").is_empty(),
            "quoted null is text"
        );
        assert!(
            w("name: pre {{x}} post\n", "007").is_empty(),
            "part of a longer scalar"
        );
    }

    #[test]
    fn spaced_placeholders_are_never_filled_and_say_so() {
        let errs = substitute("a: {{ key }}\n", &vars(&[("key", "v")])).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].spaced);
        assert!(
            errs[0].message.contains("never filled"),
            "{}",
            errs[0].message
        );
        assert!(errs[0].message.contains("`{{key}}`"), "{}", errs[0].message);
    }

    #[test]
    fn every_missing_name_is_reported_with_its_span() {
        let errs = substitute("a: {{one}}\nb: {{two}}\nc: {{one}}\n", &vars(&[])).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.name.as_str(), e.span)).collect();
        assert_eq!(
            got,
            vec![("one", (3, 10)), ("two", (14, 21)), ("one", (25, 32))]
        );
    }

    #[test]
    fn offsets_after_a_replacement_map_back_to_the_original() {
        let src = "name: {{n}} # c\nnext: {{m}}z\n";
        let s = substitute(src, &vars(&[("n", "abcdefgh"), ("m", "q")])).unwrap();
        let new_z = s.text.find('z').unwrap();
        assert_eq!(s.map.to_original(new_z), src.find('z').unwrap());
        let new_hash = s.text.find('#').unwrap();
        assert_eq!(s.map.to_original(new_hash), src.find('#').unwrap());
        assert_eq!(s.map.to_original(s.text.find("abc").unwrap() + 2), 6);
    }

    #[test]
    fn every_offset_maps_back_with_many_placeholders() {
        // Values longer, shorter and empty, side by side: each original character that
        // survives substitution is found again from its new offset.
        let src = "a: {{long}}x{{e}}{{e}}y {{s}}\n".repeat(50);
        let s = substitute(
            &src,
            &vars(&[("long", "0123456789abcdef"), ("e", ""), ("s", "1")]),
        )
        .unwrap();
        let (mut new, mut old) = (0, 0);
        while old < src.len() {
            if src[old..].starts_with("{{") {
                let end = old + src[old..].find("}}").unwrap() + 2;
                let len = match &src[old + 2..end - 2] {
                    "long" => 16,
                    "e" => 0,
                    _ => 1,
                };
                for k in new..new + len {
                    assert_eq!(s.map.to_original(k), old, "inside the value at {k}");
                }
                new += len;
                old = end;
            } else {
                assert_eq!(s.map.to_original(new), old, "at {new}");
                new += 1;
                old += 1;
            }
        }
        assert_eq!(s.map.to_original(new), src.len());
    }
}
