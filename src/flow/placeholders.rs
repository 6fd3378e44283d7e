//! `{{placeholder}}` substitution done on the raw text before YAML parsing, because real
//! Archy exports (Terraform templates) put placeholders where YAML cannot hold them
//! (`name: {{flow_name}}`, `{{category}}:` as a mapping key). A [`OffsetMap`] remembers
//! every replacement so diagnostics found in the substituted text point at the original.

use std::collections::BTreeMap;

/// A placeholder with no value, or a value that cannot be substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderError {
    /// The placeholder's name.
    pub name: String,
    /// Byte range of `{{...}}` in the original text.
    pub span: (usize, usize),
    /// What is wrong, lowercase.
    pub message: String,
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
        let mut shift: isize = 0;
        for &(ns, ne, os, oe) in &self.edits {
            if new < ns {
                break;
            }
            if new < ne {
                return os;
            }
            shift = oe as isize - ne as isize;
        }
        (new as isize + shift).max(0) as usize
    }
}

/// Substitute every `{{name}}` (inner spaces allowed) from `vars`. Values are escaped
/// for the YAML context they land in (double-quoted, single-quoted, or a whole plain
/// scalar, which is emitted double-quoted so `name: {{x}}` stays a string whatever x is).
/// Every missing name and every value with a line break is reported, each located.
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
) -> Result<(String, OffsetMap), Vec<PlaceholderError>> {
    let mut out = String::with_capacity(text.len());
    let mut map = OffsetMap::default();
    let mut errors = Vec::new();
    let mut line_start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if bytes[i] == b'\n' {
            out.push('\n');
            i += 1;
            line_start = i;
            continue;
        }
        if text[i..].starts_with("{{")
            && let Some(close) = text[i + 2..].find("}}")
        {
            let inner = &text[i + 2..i + 2 + close];
            let name = inner.trim();
            if is_name(name) {
                let end = i + 2 + close + 2;
                match vars.get(name) {
                    None => errors.push(PlaceholderError {
                        name: name.to_string(),
                        span: (i, end),
                        message: format!("placeholder `{name}` has no value"),
                    }),
                    Some(v) if v.contains(['\n', '\r']) => errors.push(PlaceholderError {
                        name: name.to_string(),
                        span: (i, end),
                        message: format!(
                            "the value of placeholder `{name}` contains a line break, which a flow file cannot hold"
                        ),
                    }),
                    Some(v) => {
                        let ctx = context(&text[line_start..i], &text[end..]);
                        let rendered = render(v, ctx);
                        let ns = out.len();
                        out.push_str(&rendered);
                        map.edits.push((ns, out.len(), i, end));
                    }
                }
                i = end;
                continue;
            }
        }
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    if errors.is_empty() {
        Ok((out, map))
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

fn render(v: &str, ctx: Ctx) -> String {
    match ctx {
        Ctx::Double => escape_double(v),
        Ctx::Single => v.replace('\'', "''"),
        Ctx::WholePlain => format!("\"{}\"", escape_double(v)),
        Ctx::PartPlain => v.to_string(),
    }
}

fn escape_double(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s
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

    #[test]
    fn whole_plain_scalars_and_keys_become_double_quoted() {
        let (out, _) = substitute(
            "name: {{flow_name}}\n{{cat}}:\n  x: 1\n",
            &vars(&[("flow_name", "Web: VIP"), ("cat", "My \"Cat\"")]),
        )
        .unwrap();
        assert_eq!(out, "name: \"Web: VIP\"\n\"My \\\"Cat\\\"\":\n  x: 1\n");
    }

    #[test]
    fn quoted_contexts_are_escaped_for_their_quote() {
        let (out, _) = substitute(
            "a: \"q {{x}}\"\nb: '{{x}}'\nc: pre {{x}} post\n",
            &vars(&[("x", "it's \"so\"")]),
        )
        .unwrap();
        assert_eq!(
            out,
            "a: \"q it's \\\"so\\\"\"\nb: 'it''s \"so\"'\nc: pre it's \"so\" post\n"
        );
    }

    #[test]
    fn every_missing_name_is_reported_with_its_span() {
        let errs = substitute("a: {{one}}\nb: {{ two }}\nc: {{one}}\n", &vars(&[])).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.name.as_str(), e.span)).collect();
        assert_eq!(
            got,
            vec![("one", (3, 10)), ("two", (14, 23)), ("one", (27, 34))]
        );
    }

    #[test]
    fn line_breaks_in_values_are_rejected() {
        let errs = substitute("a: {{x}}\n", &vars(&[("x", "1\n2")])).unwrap_err();
        assert!(errs[0].message.contains("line break"));
    }

    #[test]
    fn offsets_after_a_replacement_map_back_to_the_original() {
        let src = "name: {{n}} # c\nnext: {{m}}z\n";
        let (out, map) = substitute(src, &vars(&[("n", "abcdefgh"), ("m", "q")])).unwrap();
        let new_z = out.find('z').unwrap();
        assert_eq!(map.to_original(new_z), src.find('z').unwrap());
        let new_hash = out.find('#').unwrap();
        assert_eq!(map.to_original(new_hash), src.find('#').unwrap());
        assert_eq!(map.to_original(out.find("abc").unwrap() + 2), 6);
    }
}
