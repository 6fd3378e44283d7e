//! Turns expression source into tokens with byte spans; bad characters, bad escapes and
//! unterminated strings are collected as located errors and lexing carries on.

use super::error::{ErrorKind, ExprError, Span};

/// A token kind. Identifiers (keywords included) carry no text: read it through the span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An unsigned integer literal; the parser checks it fits an i64 (after a `-`).
    Int(u64),
    Dec(f64),
    Str(String),
    Ident,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Bang,
    Tilde,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Amp,
    Pipe,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Tok::Int(_) | Tok::Dec(_) => "a number",
            Tok::Str(_) => "a string",
            Tok::Ident => "a name",
            Tok::LParen => "`(`",
            Tok::RParen => "`)`",
            Tok::LBracket => "`[`",
            Tok::RBracket => "`]`",
            Tok::Comma => "`,`",
            Tok::Dot => "`.`",
            Tok::Plus => "`+`",
            Tok::Minus => "`-`",
            Tok::Star => "`*`",
            Tok::Slash => "`/`",
            Tok::Percent => "`%`",
            Tok::Caret => "`^`",
            Tok::Bang => "`!`",
            Tok::Tilde => "`~`",
            Tok::Lt => "`<`",
            Tok::Le => "`<=`",
            Tok::Gt => "`>`",
            Tok::Ge => "`>=`",
            Tok::EqEq => "`==`",
            Tok::Ne => "`!=`",
            Tok::Amp => "`&`",
            Tok::Pipe => "`|`",
            Tok::Eof => "the end of the expression",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

fn syntax(span: Span, message: impl Into<String>, help: Option<&str>) -> ExprError {
    ExprError {
        kind: ErrorKind::Syntax,
        message: message.into(),
        span,
        help: help.map(str::to_string),
    }
}

/// Lex all of `src`. The last token is always `Eof` (a zero-width span at the end).
pub(crate) fn lex(src: &str, errors: &mut Vec<ExprError>) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |t: Tok| (t, 1usize);
        let (tok, len) = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => single(Tok::LParen),
            b')' => single(Tok::RParen),
            b'[' => single(Tok::LBracket),
            b']' => single(Tok::RBracket),
            b',' => single(Tok::Comma),
            b'.' => single(Tok::Dot),
            b'+' => single(Tok::Plus),
            b'-' => single(Tok::Minus),
            b'*' => single(Tok::Star),
            b'/' => single(Tok::Slash),
            b'%' => single(Tok::Percent),
            b'^' => single(Tok::Caret),
            b'~' => single(Tok::Tilde),
            b'&' => single(Tok::Amp),
            b'|' => single(Tok::Pipe),
            b'!' if bytes.get(i + 1) == Some(&b'=') => (Tok::Ne, 2),
            b'!' => single(Tok::Bang),
            b'<' if bytes.get(i + 1) == Some(&b'=') => (Tok::Le, 2),
            b'<' if bytes.get(i + 1) == Some(&b'>') => {
                errors.push(syntax(
                    Span::new(i, i + 2),
                    "`<>` is not an Architect operator",
                    Some("write `!=` for not-equal"),
                ));
                (Tok::Ne, 2)
            }
            b'<' => single(Tok::Lt),
            b'>' if bytes.get(i + 1) == Some(&b'=') => (Tok::Ge, 2),
            b'>' => single(Tok::Gt),
            b'=' if bytes.get(i + 1) == Some(&b'=') => (Tok::EqEq, 2),
            b'=' => {
                errors.push(syntax(
                    Span::new(i, i + 1),
                    "`=` is not an Architect operator",
                    Some("compare with `==`"),
                ));
                single(Tok::EqEq)
            }
            b'"' => {
                let (s, end) = lex_string(src, i, errors);
                toks.push(Token {
                    tok: Tok::Str(s),
                    span: Span::new(start, end),
                });
                i = end;
                continue;
            }
            b'0'..=b'9' => {
                let (tok, end) = lex_number(src, i, errors);
                toks.push(Token {
                    tok,
                    span: Span::new(start, end),
                });
                i = end;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut end = i + 1;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                toks.push(Token {
                    tok: Tok::Ident,
                    span: Span::new(start, end),
                });
                i = end;
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
                let len = ch.len_utf8();
                let help = match ch {
                    '\'' => Some("Architect strings use double quotes"),
                    '\u{201c}' | '\u{201d}' => Some("use a plain `\"`, not a typographic quote"),
                    _ => None,
                };
                errors.push(syntax(
                    Span::new(i, i + len),
                    format!("unexpected character `{}`", ch.escape_debug()),
                    help,
                ));
                i += len;
                continue;
            }
        };
        toks.push(Token {
            tok,
            span: Span::new(start, start + len),
        });
        i += len;
    }
    toks.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
    });
    toks
}

/// A string literal from the opening quote at `start`; returns its value and the byte
/// after the closing quote (or the end of the source when unterminated).
fn lex_string(src: &str, start: usize, errors: &mut Vec<ExprError>) -> (String, usize) {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let at = start + 1 + off;
        match ch {
            '"' => return (out, at + 1),
            '\\' => match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                // `\n` is seen in a published Genesys blueprint; `\r` and `\t` are read
                // the same way (docs/fidelity.md, "String literals").
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 't')) => out.push('\t'),
                Some((_, other)) => {
                    errors.push(syntax(
                        Span::new(at, at + 1 + other.len_utf8()),
                        format!("unknown escape `\\{}` in a string", other.escape_debug()),
                        Some("Architect strings know `\\\"`, `\\\\`, `\\n`, `\\r` and `\\t`; write other characters as they are"),
                    ));
                    out.push(other);
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    errors.push(syntax(
        Span::new(start, src.len()),
        "unterminated string",
        Some("close the string with `\"`"),
    ));
    (out, src.len())
}

/// An integer (`42`) or decimal (`4.2`) literal starting at a digit.
fn lex_number(src: &str, start: usize, errors: &mut Vec<ExprError>) -> (Tok, usize) {
    let bytes = src.as_bytes();
    let digits_end = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let int_end = digits_end(start);
    let is_decimal =
        bytes.get(int_end) == Some(&b'.') && bytes.get(int_end + 1).is_some_and(u8::is_ascii_digit);
    let end = if is_decimal {
        digits_end(int_end + 1)
    } else {
        int_end
    };
    if bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        let mut bad_end = end;
        while bad_end < bytes.len()
            && (bytes[bad_end].is_ascii_alphanumeric() || bytes[bad_end] == b'_')
        {
            bad_end += 1;
        }
        errors.push(syntax(
            Span::new(start, bad_end),
            format!("`{}` is not a number", &src[start..bad_end]),
            Some(
                "numbers are digits with an optional `.` fraction; names cannot start with a digit",
            ),
        ));
        return (Tok::Int(0), bad_end);
    }
    let text = &src[start..end];
    if is_decimal {
        match text.parse::<f64>() {
            Ok(d) if d.is_finite() => (Tok::Dec(d), end),
            _ => {
                errors.push(syntax(
                    Span::new(start, end),
                    "decimal literal out of range",
                    None,
                ));
                (Tok::Dec(0.0), end)
            }
        }
    } else {
        match text.parse::<u64>() {
            Ok(n) => (Tok::Int(n), end),
            Err(_) => {
                errors.push(integer_range_error(Span::new(start, end)));
                (Tok::Int(0), end)
            }
        }
    }
}

/// The error for an integer literal that does not fit an i64.
pub(crate) fn integer_range_error(span: Span) -> ExprError {
    syntax(
        span,
        "integer literal out of range",
        Some("Architect integers are 64-bit: -9223372036854775808 to 9223372036854775807"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> (Vec<Tok>, usize) {
        let mut errs = Vec::new();
        let toks = lex(src, &mut errs);
        (toks.into_iter().map(|t| t.tok).collect(), errs.len())
    }

    #[test]
    fn operators_and_literals() {
        let (t, e) = kinds(r#"a<=1.5 != "x\"y\\" ! ~"#);
        assert_eq!(e, 0);
        assert_eq!(
            t,
            vec![
                Tok::Ident,
                Tok::Le,
                Tok::Dec(1.5),
                Tok::Ne,
                Tok::Str("x\"y\\".into()),
                Tok::Bang,
                Tok::Tilde,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn number_then_member_is_not_a_decimal() {
        let (t, e) = kinds("1.e164");
        assert_eq!(e, 0);
        assert_eq!(t, vec![Tok::Int(1), Tok::Dot, Tok::Ident, Tok::Eof]);
    }

    #[test]
    fn line_break_and_tab_escapes_read_as_their_characters() {
        let (t, e) = kinds(r#""a\nb\tc\rd \"q\" \\""#);
        assert_eq!(e, 0);
        assert_eq!(t, vec![Tok::Str("a\nb\tc\rd \"q\" \\".into()), Tok::Eof]);
    }

    #[test]
    fn errors_are_collected() {
        let mut errs = Vec::new();
        lex("'a' \"b\\q\" 99999999999999999999 \"open", &mut errs);
        let msgs: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "unexpected character `\\'`",
                "unexpected character `\\'`",
                "unknown escape `\\q` in a string",
                "integer literal out of range",
                "unterminated string"
            ]
        );
    }
}
