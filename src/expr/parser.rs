//! Pratt parser over the token stream: Architect precedence, located nodes, syntax errors
//! collected with recovery, and a depth bound so hostile input cannot overflow the stack.

use super::ast::{BinOp, Expr, Kind, MAX_DEPTH, UnOp, with_stack};
use super::error::{ErrorKind, ExprError, Span};
use super::functions;
use super::lexer::{Tok, Token, integer_range_error, lex};
use super::value::Value;

/// Errors beyond this many are dropped: the first ones are the useful ones.
const MAX_ERRORS: usize = 20;

/// Parse `src`. Always returns a tree (with `Error` nodes where recovery happened) and
/// every syntax error found, in source order.
pub(crate) fn parse(src: &str) -> (Expr, Vec<ExprError>) {
    let mut errors = Vec::new();
    let toks = lex(src, &mut errors);
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        errors,
        depth: 0,
        aborted: false,
    };
    let mut root = p.expr(0);
    // Trailing tokens: report, then keep parsing what follows to find further errors.
    while !p.aborted && p.peek() != &Tok::Eof {
        let t = p.bump();
        let help = match t.tok {
            Tok::RParen => Some("remove it, or add the `(` it closes".to_string()),
            Tok::Ident | Tok::Int(_) | Tok::Dec(_) | Tok::Str(_) => {
                Some("a missing operator or `,` before it?".to_string())
            }
            _ => None,
        };
        let message = if t.tok == Tok::RParen {
            "unmatched `)`".to_string()
        } else {
            format!("expected an operator, found {}", t.tok.describe())
        };
        p.error(t.span, message, help);
        if p.starts_expr() {
            p.expr(0);
        }
        root = Expr::error(Span::new(0, src.len()));
    }
    let mut errors = p.errors;
    // An unterminated string swallows the rest: what is "missing" at the end is noise.
    if errors.iter().any(|e| e.message == "unterminated string") {
        errors.retain(|e| e.message == "unterminated string" || e.span.start < src.len());
    }
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    errors.truncate(MAX_ERRORS);
    (root, errors)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    errors: Vec<ExprError>,
    depth: u32,
    /// Set after a depth error: everything else is skipped.
    aborted: bool,
}

/// (left binding power, right binding power) of an infix operator. `^` is non-associative
/// (a chain is rejected); every other binary operator is left-associative.
fn infix(op: BinOp) -> (u8, u8) {
    match op {
        BinOp::Or => (1, 2),
        BinOp::And => (3, 4),
        BinOp::BitOr => (5, 6),
        BinOp::BitAnd => (7, 8),
        BinOp::Eq | BinOp::Ne => (9, 10),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => (11, 12),
        BinOp::Add | BinOp::Sub => (13, 14),
        BinOp::Mul | BinOp::Div | BinOp::Mod => (15, 16),
        BinOp::Pow => (17, 18),
    }
}
/// Operand binding power of `!` and `~`: tighter than `^`.
const BP_NOT: u8 = 19;
/// Operand binding power of unary `+` and `-`: tighter than `!` and `~`.
const BP_NEG: u8 = 21;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos.min(self.toks.len() - 1)].span
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn text(&self, span: Span) -> &str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    fn error(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.errors.push(ExprError {
            kind: ErrorKind::Syntax,
            message: message.into(),
            span,
            help,
        });
    }

    fn starts_expr(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Int(_)
                | Tok::Dec(_)
                | Tok::Str(_)
                | Tok::Ident
                | Tok::LParen
                | Tok::Minus
                | Tok::Plus
                | Tok::Bang
                | Tok::Tilde
        )
    }

    /// Enter one level of recursion; false (after reporting once) when too deep.
    fn enter(&mut self) -> bool {
        if self.aborted {
            return false;
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.too_deep(self.span());
            return false;
        }
        true
    }

    fn too_deep(&mut self, span: Span) {
        if !self.aborted {
            self.error(
                span,
                format!("expression nests too deeply (more than {MAX_DEPTH} levels)"),
                Some("split it into several Update Data steps".into()),
            );
            self.aborted = true;
            self.pos = self.toks.len() - 1;
        }
    }

    /// Build a node, rejecting trees taller than the bound (long operator chains grow
    /// height without recursion).
    fn node(&mut self, kind: Kind, span: Span) -> Expr {
        let e = Expr::new(kind, span);
        if e.height > MAX_DEPTH {
            self.too_deep(span);
            return Expr::error(span);
        }
        e
    }

    fn infix_op(&self) -> Option<BinOp> {
        Some(match self.peek() {
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            Tok::Slash => BinOp::Div,
            Tok::Percent => BinOp::Mod,
            Tok::Caret => BinOp::Pow,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::EqEq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Amp => BinOp::BitAnd,
            Tok::Pipe => BinOp::BitOr,
            Tok::Ident => {
                let w = self.text(self.span());
                if w.eq_ignore_ascii_case("and") {
                    BinOp::And
                } else if w.eq_ignore_ascii_case("or") {
                    BinOp::Or
                } else {
                    return None;
                }
            }
            _ => return None,
        })
    }

    fn expr(&mut self, min_bp: u8) -> Expr {
        with_stack(|| self.expr_inner(min_bp))
    }

    fn expr_inner(&mut self, min_bp: u8) -> Expr {
        if !self.enter() {
            return Expr::error(self.span());
        }
        let mut lhs = self.prefix();
        while let Some(op) = self.infix_op() {
            let (lbp, rbp) = infix(op);
            if lbp < min_bp || self.aborted {
                break;
            }
            let op_tok = self.bump();
            if matches!(op, BinOp::BitAnd | BinOp::BitOr) && self.peek() == &op_tok.tok {
                let word = if op == BinOp::BitAnd { "and" } else { "or" };
                let sym = op.symbol();
                self.error(
                    Span::new(op_tok.span.start, self.span().end),
                    format!("`{sym}{sym}` is not an Architect operator"),
                    Some(format!("write `{word}` for logical {word}")),
                );
                self.bump();
            }
            let rhs = self.expr(rbp);
            if op == BinOp::Pow && self.peek() == &Tok::Caret {
                self.error(
                    self.span(),
                    "`^` cannot be chained",
                    Some("add parentheses: `(a ^ b) ^ c` or `a ^ (b ^ c)`".into()),
                );
            }
            let span = Span::new(lhs.span.start, rhs.span.end);
            lhs = self.node(Kind::Binary(op, Box::new(lhs), Box::new(rhs)), span);
        }
        self.depth -= 1;
        lhs
    }

    fn prefix(&mut self) -> Expr {
        let start = self.span();
        let op = match self.peek() {
            Tok::Minus => UnOp::Neg,
            Tok::Plus => UnOp::Pos,
            Tok::Bang => UnOp::Not,
            Tok::Tilde => UnOp::BitNot,
            _ => return self.postfix(),
        };
        self.bump();
        // `-9223372036854775808` is the one literal that only exists negated.
        if op == UnOp::Neg
            && let Tok::Int(n) = *self.peek()
            && !matches!(self.peek_at(1), Tok::Dot | Tok::LBracket)
        {
            let t = self.bump();
            let span = Span::new(start.start, t.span.end);
            let v = if n <= i64::MAX as u64 {
                -(n as i64)
            } else if n == i64::MAX as u64 + 1 {
                i64::MIN
            } else {
                self.errors.push(integer_range_error(span));
                0
            };
            return self.node(Kind::Lit(Value::Integer(v)), span);
        }
        if !self.enter() {
            return Expr::error(start);
        }
        let bp = if matches!(op, UnOp::Neg | UnOp::Pos) {
            BP_NEG
        } else {
            BP_NOT
        };
        let operand = self.expr(bp);
        self.depth -= 1;
        let span = Span::new(start.start, operand.span.end);
        self.node(Kind::Unary(op, Box::new(operand)), span)
    }

    fn postfix(&mut self) -> Expr {
        let mut e = self.primary();
        loop {
            match self.peek() {
                Tok::LBracket => {
                    self.bump();
                    let index = self.expr(0);
                    let end = self.expect(Tok::RBracket, "to close the index");
                    let span = Span::new(e.span.start, end);
                    e = self.node(Kind::Index(Box::new(e), Box::new(index)), span);
                }
                Tok::Dot => {
                    let dot = self.bump();
                    if self.peek() == &Tok::Ident {
                        let t = self.bump();
                        let name = self.text(t.span).to_string();
                        let span = Span::new(e.span.start, t.span.end);
                        e = self.node(Kind::Member(Box::new(e), name, t.span, None), span);
                    } else {
                        let found = self.peek().describe();
                        self.error(
                            Span::new(dot.span.start, self.span().end),
                            format!("expected a member name after `.`, found {found}"),
                            None,
                        );
                    }
                }
                Tok::LParen => {
                    let span = self.span();
                    self.error(
                        span,
                        "only functions can be called",
                        Some("function names are single words, such as `Lower(...)`".into()),
                    );
                    let args = self.args();
                    let span = Span::new(e.span.start, self.prev_end());
                    drop(args);
                    e = Expr::error(span);
                }
                _ => return e,
            }
        }
    }

    fn prev_end(&self) -> usize {
        self.toks
            .get(self.pos.wrapping_sub(1))
            .map_or(0, |t| t.span.end)
    }

    /// Consume `want` or report it missing; returns the end offset to use for the node.
    fn expect(&mut self, want: Tok, why: &str) -> usize {
        if self.peek() == &want {
            return self.bump().span.end;
        }
        if !self.aborted {
            let found = self.peek().describe();
            let span = self.span();
            self.error(
                span,
                format!("expected {} {why}, found {found}", want.describe()),
                None,
            );
        }
        self.prev_end()
    }

    /// Arguments after `(`, up to and including `)`.
    fn args(&mut self) -> Vec<Expr> {
        self.bump(); // (
        let mut args = Vec::new();
        if self.peek() == &Tok::RParen {
            self.bump();
            return args;
        }
        loop {
            if self.aborted {
                return args;
            }
            args.push(self.expr(0));
            if self.aborted {
                return args;
            }
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => {
                    self.bump();
                    return args;
                }
                _ => {
                    let found = self.peek().describe();
                    let span = self.span();
                    let help = self
                        .starts_expr()
                        .then(|| "a missing `,` between arguments?".to_string());
                    self.error(
                        span,
                        format!("expected `,` or `)` in the argument list, found {found}"),
                        help,
                    );
                    if !self.starts_expr() {
                        return args;
                    }
                }
            }
        }
    }

    fn primary(&mut self) -> Expr {
        let t = self.bump();
        match t.tok {
            Tok::Int(n) => {
                if n > i64::MAX as u64 {
                    self.errors.push(integer_range_error(t.span));
                }
                self.node(Kind::Lit(Value::Integer(n as i64)), t.span)
            }
            Tok::Dec(d) => self.node(Kind::Lit(Value::Decimal(d)), t.span),
            Tok::Str(s) => self.node(Kind::Lit(Value::String(s)), t.span),
            Tok::LParen => {
                let inner = self.expr(0);
                let end = self.expect(Tok::RParen, "to close `(`");
                // Parentheses only group: keep the inner node, widen nothing.
                let _ = end;
                inner
            }
            Tok::Ident => self.name(t),
            Tok::Eof | Tok::RParen | Tok::RBracket | Tok::Comma => {
                // Do not consume a closer: the caller reports and recovers on it.
                if t.tok != Tok::Eof {
                    self.pos -= 1;
                }
                self.error(
                    t.span,
                    format!("expected an expression, found {}", t.tok.describe()),
                    None,
                );
                Expr::error(t.span)
            }
            other => {
                let help = match other {
                    Tok::Amp | Tok::Pipe => Some("`&` and `|` go between two integers".to_string()),
                    _ => None,
                };
                self.error(
                    t.span,
                    format!("expected an expression, found {}", other.describe()),
                    help,
                );
                Expr::error(t.span)
            }
        }
    }

    /// A name: literal keyword, function call, or dotted variable path.
    fn name(&mut self, t: Token) -> Expr {
        let word = self.text(t.span);
        if self.peek() == &Tok::LParen {
            let name = word.to_string();
            let args = self.args();
            let span = Span::new(t.span.start, self.prev_end());
            return self.node(
                Kind::Call {
                    func: functions::lookup(&name),
                    name,
                    name_span: t.span,
                    args,
                },
                span,
            );
        }
        if word.eq_ignore_ascii_case("true") {
            return self.node(Kind::Lit(Value::Boolean(true)), t.span);
        }
        if word.eq_ignore_ascii_case("false") {
            return self.node(Kind::Lit(Value::Boolean(false)), t.span);
        }
        if word.eq_ignore_ascii_case("not_set") {
            return self.node(Kind::NotSet, t.span);
        }
        if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
            self.error(
                t.span,
                format!("expected an expression, found `{word}`"),
                Some(format!("`{word}` goes between two Boolean values")),
            );
            return Expr::error(t.span);
        }
        let mut segs = vec![(word.to_string(), t.span)];
        while self.peek() == &Tok::Dot && self.peek_at(1) == &Tok::Ident {
            self.bump();
            let s = self.bump();
            segs.push((self.text(s.span).to_string(), s.span));
        }
        let span = Span::new(t.span.start, segs.last().map_or(t.span.end, |s| s.1.end));
        self.node(Kind::Path(segs), span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as an S-expression, to assert shape.
    fn sexp(e: &Expr) -> String {
        match &e.kind {
            Kind::Lit(v) => format!("{v}"),
            Kind::NotSet => "NOT_SET".into(),
            Kind::Path(segs) => segs
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>()
                .join("."),
            Kind::Var { name, .. } => name.to_string(),
            Kind::Unary(op, a) => format!("({} {})", op.symbol(), sexp(a)),
            Kind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), sexp(a), sexp(b)),
            Kind::Call { name, args, .. } => format!(
                "{name}({})",
                args.iter().map(sexp).collect::<Vec<_>>().join(", ")
            ),
            Kind::Index(a, i) => format!("{}[{}]", sexp(a), sexp(i)),
            Kind::Member(a, m, ..) => format!("{}.{m}", sexp(a)),
            Kind::Error => "ERR".into(),
        }
    }

    fn ok(src: &str) -> String {
        let (e, errs) = parse(src);
        assert!(errs.is_empty(), "{src}: {errs:?}");
        sexp(&e)
    }

    fn errs(src: &str) -> Vec<(String, usize, usize)> {
        parse(src)
            .1
            .into_iter()
            .map(|e| (e.message, e.span.start, e.span.end))
            .collect()
    }

    #[test]
    fn precedence_table() {
        for (src, want) in [
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("1 - 2 - 3", "(- (- 1 2) 3)"),
            ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
            ("-2 ^ 2", "(^ -2 2)"),
            ("-x ^ 2", "(^ (- x) 2)"),
            ("2 ^ -x", "(^ 2 (- x))"),
            ("!a == b", "(== (! a) b)"),
            ("!-x", "(! (- x))"),
            ("~1 & 2 | 3", "(| (& (~ 1) 2) 3)"),
            ("a or b and c", "(or a (and b c))"),
            ("a OR b AND c", "(or a (and b c))"),
            ("1 < 2 == 3 >= 4", "(== (< 1 2) (>= 3 4))"),
            ("a == b & c", "(& (== a b) c)"),
            ("2 * 3 ^ 2", "(* 2 (^ 3 2))"),
            ("1 + 2 % 3", "(+ 1 (% 2 3))"),
            ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
            ("MakeList(1,2,3)[2]", "MakeList(1, 2, 3)[2]"),
            ("ToPhoneNumber(x).e164", "ToPhoneNumber(x).e164"),
            ("State.Q.id", "State.Q.id"),
            ("Flow.L[0].name", "Flow.L[0].name"),
            ("- - 1", "(- -1)"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("f()", "f()"),
        ] {
            assert_eq!(ok(src), want, "{src}");
        }
    }

    #[test]
    fn pow_chain_is_rejected() {
        assert_eq!(
            errs("2 ^ 3 ^ 2"),
            vec![("`^` cannot be chained".to_string(), 6, 7)]
        );
    }

    #[test]
    fn several_errors_are_collected() {
        let e = errs("Append(\"a\" \"b\", ) + * 3)");
        assert!(e.len() >= 3, "{e:?}");
    }

    #[test]
    fn deep_nesting_is_a_located_error() {
        let src = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = errs(&src);
        assert_eq!(e.len(), 1);
        assert!(e[0].0.contains("nests too deeply"));
        let src = format!("{}1", "-".repeat(10_000));
        assert_eq!(errs(&src).len(), 1);
        let src = format!("{}x", "!".repeat(10_000));
        assert_eq!(errs(&src).len(), 1);
        let src = vec!["1"; 10_000].join("+");
        assert_eq!(errs(&src).len(), 1);
    }

    #[test]
    fn integer_limits() {
        assert_eq!(ok("9223372036854775807"), "9223372036854775807");
        assert_eq!(
            errs("9223372036854775808"),
            vec![("integer literal out of range".to_string(), 0, 19)]
        );
        assert_eq!(
            errs("-9223372036854775809"),
            vec![("integer literal out of range".to_string(), 0, 20)]
        );
    }
}
