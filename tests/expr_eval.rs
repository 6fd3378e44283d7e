//! Table-driven tests of every operator and function: value and type, NOT_SET rules,
//! wrong types, wrong arity, escapes, and implicit casts.

use routecheck::expr::{
    DateTime, Directory, ErrorKind, EvalContext, Scope, Type, Value, Vars, compile, compile_as,
};

fn scope() -> Scope {
    let mut s = Scope::new();
    for (n, t) in [
        ("Flow.S", Type::String),
        ("Flow.Empty", Type::String),
        ("Flow.Unset", Type::String),
        ("Flow.I", Type::Integer),
        ("Flow.UnsetI", Type::Integer),
        ("Flow.D", Type::Decimal),
        ("Flow.B", Type::Boolean),
        ("Flow.UnsetB", Type::Boolean),
        ("Flow.Dt", Type::DateTime),
        ("Flow.Dur", Type::Duration),
        ("Flow.J", Type::Json),
        ("Flow.L", Type::List(Box::new(Type::String))),
        ("Flow.Q", Type::Queue),
        ("State.Sched", Type::ScheduleGroup),
    ] {
        s.declare(n, t).unwrap();
    }
    s
}

fn vars() -> Vars {
    let mut v = Vars::new();
    v.set("Flow.S", Value::String("Hello".into()));
    v.set("Flow.Empty", Value::String(String::new()));
    v.set("Flow.I", Value::Integer(7));
    v.set("Flow.D", Value::Decimal(2.5));
    v.set("Flow.B", Value::Boolean(true));
    v.set(
        "Flow.Dt",
        Value::DateTime(DateTime::parse("2024-05-01T09:30:00Z").unwrap()),
    );
    v.set(
        "Flow.Dur",
        Value::Duration(routecheck::expr::Duration(90_000)),
    );
    v.set("Flow.J", Value::Json(serde_json::json!({"a": "x", "n": 3})));
    v.set(
        "Flow.L",
        Value::List(
            Type::String,
            vec![Value::String("a".into()), Value::String("b".into())],
        ),
    );
    v
}

fn directory() -> Directory {
    let mut d = Directory::default();
    d.queues.insert("q-1".into(), "Sales".into());
    d.users.insert("u-1".into(), "Ann".into());
    d.skills.insert("s-1".into(), "French".into());
    d
}

/// Evaluate `src`; the result rendered as `Type:value` (NOT_SET as `Type:NOT_SET`), or
/// `syntax|type|runtime: message`.
fn run(src: &str) -> String {
    let c = match compile(src, &scope()) {
        Ok(c) => c,
        Err(es) => {
            let e = &es[0];
            return format!("{}: {}", kind(e.kind), e.message);
        }
    };
    let (v, d) = (vars(), directory());
    let cx = EvalContext {
        vars: &v,
        now: DateTime::parse("2024-05-01T12:00:00Z").unwrap(),
        directory: &d,
    };
    match c.eval(&cx) {
        Ok(val) => {
            assert_eq!(
                val.ty(),
                *c.ty(),
                "{src}: value type differs from static type"
            );
            format!("{}:{val}", c.ty())
        }
        Err(e) => format!("runtime: {}", e.message),
    }
}

fn kind(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Syntax => "syntax",
        ErrorKind::Type => "type",
        ErrorKind::Runtime => "runtime",
    }
}

/// Assert every row `(expression, expected)`; report all failures at once.
fn table(rows: &[(&str, &str)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(src, want)| {
            let got = run(src);
            (got != *want).then(|| format!("  {src}\n    want {want}\n    got  {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn literals_and_escapes() {
    table(&[
        ("42", "Integer:42"),
        ("-9223372036854775808", "Integer:-9223372036854775808"),
        ("2.50", "Decimal:2.5"),
        ("true", "Boolean:true"),
        ("FALSE", "Boolean:false"),
        ("NOT_SET", "String:NOT_SET"),
        (r#""a\"b\\c""#, "String:a\"b\\c"),
        (r#""tab	and ünïcode""#, "String:tab\tand ünïcode"),
        (r#""line\nbreak""#, "String:line\nbreak"),
        (r#""bad \q""#, "syntax: unknown escape `\\q` in a string"),
        (r#""open"#, "syntax: unterminated string"),
        (
            "99999999999999999999",
            "syntax: integer literal out of range",
        ),
        (
            "9223372036854775808",
            "syntax: integer literal out of range",
        ),
    ]);
}

#[test]
fn arithmetic_and_precedence() {
    table(&[
        ("1 + 2 * 3", "Integer:7"),
        ("(1 + 2) * 3", "Integer:9"),
        ("10 - 4 - 3", "Integer:3"),
        ("5 / 2", "Decimal:2.5"),
        ("4 / 2", "Decimal:2"),
        ("7 % 3", "Integer:1"),
        ("-7 % 3", "Integer:-1"),
        ("7.5 % 2", "Decimal:1.5"),
        ("2 ^ 10", "Decimal:1024"),
        ("-2 ^ 2", "Decimal:4"),
        ("-Flow.I ^ 2", "Decimal:49"),
        ("2 ^ 3 ^ 2", "syntax: `^` cannot be chained"),
        ("(2 ^ 3) ^ 2", "Decimal:64"),
        ("2 * 3 ^ 2", "Decimal:18"),
        ("1 + 2.5", "Decimal:3.5"),
        ("0.1 + 0.2", "Decimal:0.3"),
        ("-Flow.I", "Integer:-7"),
        ("+Flow.D", "Decimal:2.5"),
        ("- -3", "Integer:3"),
        ("~5", "Integer:-6"),
        ("6 & 3", "Integer:2"),
        ("6 | 3", "Integer:7"),
        ("1 | 2 & 3", "Integer:3"),
        ("1 / 0", "runtime: division by zero"),
        ("1 % 0", "runtime: division by zero"),
        ("1.5 / 0", "runtime: division by zero"),
        (
            "9223372036854775807 + 1",
            "runtime: integer overflow in `+`",
        ),
        (
            "-9223372036854775808 - 1",
            "runtime: integer overflow in `-`",
        ),
        (
            "4611686018427387904 * 2",
            "runtime: integer overflow in `*`",
        ),
        (
            "-(-9223372036854775808)",
            "runtime: integer overflow in `-`",
        ),
        (
            "10.0 ^ 400",
            "runtime: `^` gives a number too large to represent",
        ),
        (
            "\"a\" * 2",
            "type: `*` needs two numbers, found String and Integer",
        ),
        (
            "\"a\" + 2",
            "type: `+` needs two numbers, two Strings, or DateTime and Duration, found String and Integer",
        ),
        (
            "-\"a\"",
            "type: `-` needs a number or Duration, found String",
        ),
        ("!1", "type: `!` needs a Boolean, found Integer"),
        ("~true", "type: `~` needs an Integer, found Boolean"),
        (
            "true & false",
            "type: `&` needs two Integers, found Boolean and Boolean",
        ),
    ]);
}

#[test]
fn strings_dates_durations() {
    table(&[
        ("\"a\" + \"b\"", "String:ab"),
        ("Flow.S + \", world\"", "String:Hello, world"),
        (
            "Flow.Unset + \"x\"",
            "runtime: the left operand of `+` is NOT_SET",
        ),
        (
            "\"x\" + Flow.Unset",
            "runtime: the right operand of `+` is NOT_SET",
        ),
        ("Flow.Dt + Flow.Dur", "DateTime:2024-05-01T09:31:30.000Z"),
        ("Flow.Dur + Flow.Dt", "DateTime:2024-05-01T09:31:30.000Z"),
        ("Flow.Dt - Flow.Dur", "DateTime:2024-05-01T09:28:30.000Z"),
        ("GetCurrentDateTimeUtc() - Flow.Dt", "Duration:P0DT2H30M0S"),
        ("Flow.Dur + Flow.Dur", "Duration:P0DT0H3M0S"),
        ("-Flow.Dur", "Duration:-P0DT0H1M30S"),
        ("Flow.Dt < GetCurrentDateTimeUtc()", "Boolean:true"),
        ("Flow.Dur >= MakeDuration(0, 0, 1, 30)", "Boolean:true"),
    ]);
}

#[test]
fn comparison_and_logic() {
    table(&[
        ("1 < 2", "Boolean:true"),
        ("2 <= 2", "Boolean:true"),
        ("3 > 2.5", "Boolean:true"),
        ("2 >= 3", "Boolean:false"),
        ("\"a\" < \"b\"", "Boolean:true"),
        ("\"B\" < \"a\"", "Boolean:true"),
        ("1 == 1.0", "Boolean:true"),
        ("\"abc\" == \"ABC\"", "Boolean:false"),
        ("\"abc\" != \"ABC\"", "Boolean:true"),
        ("1 < 2 == true", "Boolean:true"),
        ("ToString(NOT_SET) == \"\"", "Boolean:false"),
        ("Flow.Unset == \"\"", "Boolean:false"),
        ("Flow.Unset == NOT_SET", "Boolean:true"),
        ("NOT_SET == NOT_SET", "Boolean:true"),
        ("Flow.Unset != \"x\"", "Boolean:true"),
        (
            "Flow.UnsetI < 3",
            "runtime: the left operand of `<` is NOT_SET",
        ),
        (
            "NOT_SET < 3",
            "type: `<` with a NOT_SET operand always fails at run time",
        ),
        (
            "5 + NOT_SET",
            "type: `+` with a NOT_SET operand always fails at run time",
        ),
        (
            "Flow.UnsetI + 5",
            "runtime: the left operand of `+` is NOT_SET",
        ),
        (
            "\"1\" == 1",
            "type: cannot compare String with Integer using `==`",
        ),
        ("true and false", "Boolean:false"),
        ("true AND true", "Boolean:true"),
        ("false Or true", "Boolean:true"),
        ("true or false and false", "Boolean:true"),
        (
            "IsSet(Flow.Unset) and Lower(Flow.Unset) == \"x\"",
            "Boolean:false",
        ),
        (
            "!IsSet(Flow.Unset) or Lower(Flow.Unset) == \"x\"",
            "Boolean:true",
        ),
        (
            "Flow.UnsetB and true",
            "runtime: an operand of `and` is NOT_SET",
        ),
        ("!Flow.B == false", "Boolean:true"),
        (
            "1 and true",
            "type: `and` needs two Booleans, found Integer and Boolean",
        ),
        (
            "\"a\" < 1",
            "type: `<` needs two numbers, Strings, DateTimes or Durations, found String and Integer",
        ),
        ("not true", "syntax: expected an operator, found a name"),
    ]);
}

#[test]
fn variables_indexes_members() {
    table(&[
        ("flow.s", "String:Hello"),
        ("FLOW.I + 1", "Integer:8"),
        ("Flow.Unset", "String:NOT_SET"),
        ("Flow.UnsetI", "Integer:NOT_SET"),
        ("Flow.Nope", "type: unknown variable `Flow.Nope`"),
        ("Flow.L[1]", "String:b"),
        (
            "Flow.L[2]",
            "runtime: index 2 is out of range for a collection of 2 items",
        ),
        (
            "Flow.L[-1]",
            "runtime: index -1 is out of range for a collection of 2 items",
        ),
        (
            "Flow.L[\"a\"]",
            "type: a collection index must be Integer, found String",
        ),
        (
            "Flow.S[0]",
            "type: cannot index String: `[...]` needs a collection",
        ),
        ("MakeList(1, 2, 3)[2]", "Integer:3"),
        (
            "ToPhoneNumber(\"tel:+13175550100\").e164",
            "String:+13175550100",
        ),
        (
            "ToPhoneNumber(\"tel:+13175550100\").dialingCode",
            "runtime: `.dialingCode` cannot be computed offline",
        ),
        (
            "ToPhoneNumber(\"x\").nope",
            "type: PhoneNumber has no member `nope`",
        ),
        ("FindQueueById(\"q-1\").name", "String:Sales"),
        ("FindQueueById(\"q-1\").ID", "String:q-1"),
        ("Flow.Q.name", "runtime: cannot read `.name` of NOT_SET"),
        ("Flow.S.length", "type: String has no member `length`"),
        ("Message.Message.body", "String:NOT_SET"),
        ("Task.X", "type: unknown variable `Task.X`"),
        ("Foo", "type: unknown name `Foo`"),
    ]);
}

#[test]
fn notset_and_conditionals() {
    table(&[
        ("If(true, 1, 2)", "Integer:1"),
        ("If(false, 1, 2.5)", "Decimal:2.5"),
        ("If(true, 1, 2.5)", "Decimal:1"),
        ("If(Flow.B, \"y\", NOT_SET)", "String:y"),
        ("If(false, 5, NOT_SET)", "Integer:NOT_SET"),
        ("If(true, 1, 1 / 0)", "Decimal:1"),
        (
            "If(Flow.UnsetB, 1, 2)",
            "runtime: the condition of `If` is NOT_SET",
        ),
        (
            "If(1, 2, 3)",
            "type: argument 1 of `If` must be a Boolean, found Integer",
        ),
        (
            "If(true, 1, \"a\")",
            "type: the branches of `If` have different types: Integer and String",
        ),
        ("If(true, 1)", "type: `If` takes 3 arguments, found 2"),
        ("5 + If(IsSet(Flow.UnsetI), Flow.UnsetI, 0)", "Integer:5"),
        ("IsSet(Flow.S)", "Boolean:true"),
        ("IsSet(Flow.Unset)", "Boolean:false"),
        ("IsSet(NOT_SET)", "Boolean:false"),
        ("IsSet()", "type: `IsSet` takes 1 argument, found 0"),
        ("IsNotSetOrEmpty(Flow.Unset)", "Boolean:true"),
        ("IsNotSetOrEmpty(Flow.Empty)", "Boolean:true"),
        ("IsNotSetOrEmpty(Flow.S)", "Boolean:false"),
        ("IsNotSetOrEmpty(Flow.I)", "Boolean:false"),
        ("IsNotSetOrEmpty(MakeList(1)) ", "Boolean:false"),
        ("!IsNotSetOrEmpty(\" \")", "Boolean:true"),
    ]);
}

#[test]
fn string_functions() {
    table(&[
        ("Append(\"a\", Flow.Unset, \"b\")", "String:ab"),
        ("Append(\"a\")", "String:a"),
        // A bot's message is carried as its text (docs/fidelity.md, Functions).
        (
            "MakeCommunication(\"What is the\", \" name\", \"?\")",
            "String:What is the name?",
        ),
        ("MakeCommunication(\"a\", Flow.Unset, 1)", "String:a1"),
        ("ToCommunication(\"Sorry.\")", "String:Sorry."),
        ("ToCommunication(NOT_SET)", "String:NOT_SET"),
        ("ToCommunication(42, Format.String.playChars)", "String:42"),
        ("ResolveSlot(\"large\")", "String:large"),
        ("ResolveSlot(NOT_SET)", "String:NOT_SET"),
        (
            "Append()",
            "type: `Append` takes at least 1 argument, found 0",
        ),
        (
            "Append(\"a\", 1)",
            "type: argument 2 of `Append` must be a String, found Integer",
        ),
        ("Trim(\"  a b \")", "String:a b"),
        (
            "Trim(Flow.Unset)",
            "runtime: argument 1 of `Trim` is NOT_SET",
        ),
        (
            "Trim(NOT_SET)",
            "type: `Trim` does not accept NOT_SET as argument 1",
        ),
        (
            "Trim(1)",
            "type: argument 1 of `Trim` must be a String, found Integer",
        ),
        (
            "Trim(\"a\", \"b\")",
            "type: `Trim` takes 1 argument, found 2",
        ),
        ("lower(\"ÀbC\")", "String:àbc"),
        ("UPPER(\"abc\")", "String:ABC"),
        (
            "Lower(Flow.Unset)",
            "runtime: argument 1 of `Lower` is NOT_SET",
        ),
        ("Length(\"héllo\")", "Integer:5"),
        (
            "Length(Flow.Unset)",
            "runtime: argument 1 of `Length` is NOT_SET",
        ),
        ("Substring(\"abcdef\", 0, 3)", "String:abc"),
        ("Substring(\"abcdef\", 2, 4)", "String:cdef"),
        ("Substring(\"héllo\", 1, 1)", "String:é"),
        (
            "Substring(\"abc\", 2, 2)",
            "runtime: Substring start 2, length 2 is out of range for a string of 3 characters",
        ),
        (
            "Substring(\"abc\", -1, 1)",
            "runtime: Substring start -1, length 1 is out of range for a string of 3 characters",
        ),
        ("Substring(\"abc\", 3, 0)", "String:"),
        (
            "Substring(Flow.Unset, 0, 1)",
            "runtime: argument 1 of `Substring` is NOT_SET",
        ),
        (
            "Substring(\"abc\", \"0\", 1)",
            "type: argument 2 of `Substring` must be an Integer, found String",
        ),
        (
            "Substring(\"abc\", 0)",
            "type: `Substring` takes 3 arguments, found 2",
        ),
        ("Left(\"abcdef\", 2)", "String:ab"),
        ("Right(\"abcdef\", 2)", "String:ef"),
        ("Right(\"+13175550100\", 12)", "String:+13175550100"),
        (
            "Left(\"ab\", 3)",
            "runtime: `Left` count 3 is out of range for a string of 2 characters",
        ),
        (
            "Right(\"ab\", -1)",
            "runtime: `Right` count -1 is out of range for a string of 2 characters",
        ),
        ("Contains(\"Hello\", \"ell\")", "Boolean:true"),
        ("contains(\"Hello\", \"ELL\")", "Boolean:false"),
        (
            "Contains(Flow.Unset, \"a\")",
            "runtime: argument 1 of `Contains` is NOT_SET",
        ),
        ("StartsWith(\"Hello\", \"He\")", "Boolean:true"),
        ("EndsWith(\"Hello\", \"lo\")", "Boolean:true"),
        ("EndsWith(\"Hello\", \"LO\")", "Boolean:false"),
        ("Replace(\"a-b-c\", \"-\", \"+\")", "String:a+b+c"),
        ("Replace(\"tel:+1\", \"tel:\", \"\")", "String:+1"),
        (
            "Replace(\"abc\", \"\", \"x\")",
            "runtime: `Replace` cannot search for an empty string",
        ),
        ("Split(\"a,b,,c\", \",\")", "StringCollection:[a, b, , c]"),
        ("Count(Split(\"a\", \",\"))", "Integer:1"),
        (
            "Split(\"a\", \"\")",
            "runtime: `Split` needs a non-empty delimiter",
        ),
        ("FindString(\"hello\", \"l\")", "Integer:2"),
        ("FindString(\"héllo\", \"l\")", "Integer:2"),
        ("FindString(\"hello\", \"z\")", "Integer:-1"),
    ]);
}

#[test]
fn conversions() {
    table(&[
        ("ToString(5)", "String:5"),
        ("ToString(2.50)", "String:2.5"),
        ("ToString(true)", "String:true"),
        ("ToString(Flow.Unset)", "String:NOT_SET"),
        ("ToString(NOT_SET)", "String:NOT_SET"),
        ("ToString(Flow.Dt)", "String:2024-05-01T09:30:00.000Z"),
        ("ToString(Flow.Dur)", "String:P0DT0H1M30S"),
        ("ToString(Flow.J)", "String:{\"a\":\"x\",\"n\":3}"),
        ("ToString(Flow.L, \"</p>\")", "String:a</p>b"),
        ("ToString(Flow.L)", "String:a,b"),
        (
            "ToString(MakeList(1, 2), 3)",
            "type: argument 2 of `ToString` must be a String, found Integer",
        ),
        (
            "ToString(1, \"x\")",
            "type: argument 1 of `ToString` must be a collection, found Integer",
        ),
        (
            "ToString(MakeList(\"a\", NOT_SET), \",\")",
            "runtime: item 1 of the collection is NOT_SET",
        ),
        ("ToDisplayString(Flow.Unset)", "String:"),
        ("ToDisplayString(3.25)", "String:3.25"),
        ("ToInt(\"42\")", "Integer:42"),
        ("ToInt(\"-7\")", "Integer:-7"),
        (
            "ToInt(\"4.5\")",
            "runtime: `ToInt` cannot convert \"4.5\" to an Integer",
        ),
        (
            "ToInt(\" 4\")",
            "runtime: `ToInt` cannot convert \" 4\" to an Integer",
        ),
        (
            "ToInt(\"0H\")",
            "runtime: `ToInt` cannot convert \"0H\" to an Integer",
        ),
        ("ToInt(7 / 2)", "Integer:3"),
        ("ToInt(-7 / 2)", "Integer:-3"),
        ("ToInt(1.0e0)", "syntax: `1.0e0` is not a number"),
        ("ToInt(Flow.UnsetI)", "Integer:NOT_SET"),
        (
            "ToInt(true)",
            "type: argument 1 of `ToInt` must be a String or a number, found Boolean",
        ),
        ("ToDecimal(\"4.5\")", "Decimal:4.5"),
        ("ToDecimal(3)", "Decimal:3"),
        (
            "ToDecimal(\"1e3\")",
            "runtime: `ToDecimal` cannot convert \"1e3\" to a Decimal",
        ),
        ("ToBool(\"TRUE\")", "Boolean:true"),
        (
            "ToBool(\"yes\")",
            "runtime: `ToBool` cannot convert \"yes\" to a Boolean",
        ),
        (
            "ToDateTime(\"2024-05-01T09:30:00Z\") == Flow.Dt",
            "Boolean:true",
        ),
        (
            "ToDateTime(ToString(GetCurrentDateTimeUtc()))",
            "DateTime:2024-05-01T12:00:00.000Z",
        ),
        (
            "ToDateTime(\"May 1\")",
            "runtime: `ToDateTime` cannot convert \"May 1\": expected an RFC 3339 date-time such as 2024-05-01T09:30:00Z",
        ),
        ("ToDuration(\"PT1H\")", "Duration:P0DT1H0M0S"),
        (
            "ToDuration(\"1h\")",
            "runtime: `ToDuration` cannot convert \"1h\": expected an ISO 8601 duration such as P0DT1H30M0S",
        ),
        (
            "ToPhoneNumber(\"555\")",
            "runtime: `555` is not an international phone number (it needs a leading `+` and country code)",
        ),
        ("ToScheduleGroup(NOT_SET)", "ScheduleGroup:NOT_SET"),
        (
            "ToScheduleGroup(\"x\")",
            "type: argument 1 of `ToScheduleGroup` must be a ScheduleGroup, found String",
        ),
    ]);
}

#[test]
fn dates_numbers_collections_json_lookups() {
    table(&[
        (
            "GetCurrentDateTimeUtc()",
            "DateTime:2024-05-01T12:00:00.000Z",
        ),
        (
            "GetCurrentDateTimeUtc(1)",
            "type: `GetCurrentDateTimeUtc` takes 0 arguments, found 1",
        ),
        (
            "DateTimeDiff(GetCurrentDateTimeUtc(), Flow.Dt)",
            "Duration:P0DT2H30M0S",
        ),
        (
            "DateTimeDiff(Flow.Dt, GetCurrentDateTimeUtc())",
            "Duration:-P0DT2H30M0S",
        ),
        ("AddDays(Flow.Dt, 1)", "DateTime:2024-05-02T09:30:00.000Z"),
        ("AddHours(Flow.Dt, -3)", "DateTime:2024-05-01T06:30:00.000Z"),
        (
            "AddMinutes(Flow.Dt, 30)",
            "DateTime:2024-05-01T10:00:00.000Z",
        ),
        (
            "AddSeconds(Flow.Dt, 30)",
            "DateTime:2024-05-01T09:30:30.000Z",
        ),
        (
            "AddDays(Flow.Dt, 3000000)",
            "runtime: the date is out of range (years 1 to 9999)",
        ),
        (
            "AddHours(\"x\", 1)",
            "type: argument 1 of `AddHours` must be a DateTime, found String",
        ),
        ("MakeDuration(0, 0, 0, 90)", "Duration:P0DT0H1M30S"),
        ("MakeDuration(1, 2, 3, 4, 5)", "Duration:P1DT2H3M4.005S"),
        (
            "MakeDuration(1, 2)",
            "type: `MakeDuration` takes 4 to 5 arguments, found 2",
        ),
        ("Round(2.5)", "Integer:3"),
        ("Round(-2.5)", "Integer:-3"),
        ("Round(2.4)", "Integer:2"),
        ("Abs(-3)", "Integer:3"),
        ("Abs(-3.5)", "Decimal:3.5"),
        (
            "Abs(\"x\")",
            "type: argument 1 of `Abs` must be a number, found String",
        ),
        ("Min(3, 1, 2)", "Integer:1"),
        ("Max(3, 1.5)", "Decimal:3"),
        ("Min(1)", "type: `Min` takes at least 2 arguments, found 1"),
        (
            "Max(Flow.UnsetI, 1)",
            "runtime: argument 1 of `Max` is NOT_SET",
        ),
        ("MakeList(1, 2.5)", "DecimalCollection:[1, 2.5]"),
        ("MakeList(\"a\", NOT_SET)", "StringCollection:[a, NOT_SET]"),
        (
            "MakeList(1, \"a\")",
            "type: argument 2 of `MakeList` is String, but the others are Integer",
        ),
        (
            "MakeList(NOT_SET)",
            "type: a collection of only NOT_SET has no item type",
        ),
        (
            "MakeList()",
            "type: `MakeList` takes 1 to 2000 arguments, found 0",
        ),
        ("Count(Flow.L)", "Integer:2"),
        (
            "Count(\"a\")",
            "type: argument 1 of `Count` must be a collection, found String",
        ),
        ("GetAt(Flow.L, 0)", "String:a"),
        (
            "GetAt(Flow.L, 5)",
            "runtime: index 5 is out of range for a collection of 2 items",
        ),
        ("AddItem(MakeList(3, 4), 5)", "IntegerCollection:[3, 4, 5]"),
        (
            "AddItem(MakeList(3, 4), \"x\")",
            "type: argument 2 of `AddItem` must be Integer to match the collection, found String",
        ),
        (
            "AddItemAt(MakeList(3, 4), 0, 7)",
            "IntegerCollection:[7, 3, 4]",
        ),
        (
            "AddItemAt(MakeList(3, 4), 2, 7)",
            "IntegerCollection:[3, 4, 7]",
        ),
        (
            "AddItemAt(MakeList(3, 4), 3, 7)",
            "runtime: position 3 is out of range for a collection of 2 items",
        ),
        ("FindFirst(Flow.L, \"b\")", "Integer:1"),
        ("FindFirst(Flow.L, \"B\")", "Integer:-1"),
        (
            "FindFirst(MakeList(1, 2), 2.0)",
            "type: argument 2 of `FindFirst` must be Integer to match the collection, found Decimal",
        ),
        ("JsonParse(\"{\\\"a\\\": 1}\")", "Json:{\"a\":1}"),
        (
            "JsonParse(\"{\")",
            "runtime: `JsonParse` cannot parse the text: EOF while parsing an object at line 1 column 1",
        ),
        ("GetJsonObjectProperty(Flow.J, \"a\")", "Json:\"x\""),
        ("ToString(GetJsonObjectProperty(Flow.J, \"a\"))", "String:x"),
        ("GetJsonObjectProperty(Flow.J, \"A\")", "Json:NOT_SET"),
        (
            "GetJsonObjectProperty(JsonParse(\"[1]\"), \"a\")",
            "runtime: `GetJsonObjectProperty` needs a JSON object, found [1]",
        ),
        ("AreEqual(1, 1.0)", "Boolean:true"),
        ("AreEqual(\"a\", NOT_SET)", "Boolean:false"),
        (
            "AreEqual(\"a\", 1)",
            "type: `AreEqual` cannot compare String with Integer",
        ),
        ("FindQueueById(\"q-1\")", "Queue:Sales"),
        ("FindQueueById(\"q-2\")", "Queue:NOT_SET"),
        ("FindQueue(\"Sales\")", "Queue:Sales"),
        ("FindQueue(\"sales\")", "Queue:NOT_SET"),
        ("FindSkill(\"French\")", "Skill:French"),
        ("FindUserById(\"u-1\")", "User:Ann"),
        (
            "FindUserById(Flow.Unset)",
            "runtime: argument 1 of `FindUserById` is NOT_SET",
        ),
        ("FindEmergencyGroup(\"Evac\")", "EmergencyGroup:NOT_SET"),
        (
            "MakeListAgentScorePair(MakeList(FindUserById(\"u-1\")), MakeList(100))",
            "AgentScorePairCollection:[Ann:100]",
        ),
        (
            "MakeListAgentScorePair(MakeList(FindUserById(\"nobody\")), MakeList(100))",
            "runtime: user or score 0 is NOT_SET",
        ),
        (
            "MakeListAgentScorePair(MakeList(FindUserById(\"u-1\")), MakeList(1, 2))",
            "runtime: 1 users but 2 scores",
        ),
        ("Frobnicate(1)", "type: unknown function `Frobnicate`"),
        ("Substr(\"a\", 0, 1)", "type: unknown function `Substr`"),
    ]);
}

#[test]
fn hints_name_the_closest_candidate() {
    let help = |src: &str| compile(src, &scope()).unwrap_err()[0].help.clone();
    assert_eq!(
        help("Substrng(\"a\", 0, 1)").as_deref(),
        Some("did you mean `Substring`?")
    );
    assert_eq!(help("Flow.Sx").as_deref(), Some("did you mean `Flow.S`?"));
    assert!(help("\"a\" * 2").unwrap().contains("ToInt"));
}

#[test]
fn errors_are_collected() {
    let errs = compile("Trim(1) + Lower(2) + Flow.Nope", &scope()).unwrap_err();
    assert_eq!(errs.len(), 3, "{errs:?}");
    let errs = compile("(1 + ) * (2 +", &scope()).unwrap_err();
    assert!(errs.len() >= 2, "{errs:?}");
    assert!(errs.iter().all(|e| e.kind == ErrorKind::Syntax));
}

#[test]
fn implicit_casts() {
    let s = scope();
    let (v, d) = (vars(), directory());
    let cx = EvalContext {
        vars: &v,
        now: DateTime(0),
        directory: &d,
    };
    let eval_as =
        |src: &str, t: Type| compile_as(src, &s, &t).map(|c| (c.ty().clone(), c.eval(&cx)));
    assert_eq!(
        eval_as("3 + 4", Type::String).unwrap(),
        (Type::String, Ok(Value::String("7".into())))
    );
    assert_eq!(
        eval_as("FindFirst(Flow.L, \"b\")", Type::String).unwrap(),
        (Type::String, Ok(Value::String("1".into())))
    );
    assert_eq!(
        eval_as("3", Type::Decimal).unwrap(),
        (Type::Decimal, Ok(Value::Decimal(3.0)))
    );
    assert_eq!(
        eval_as("NOT_SET", Type::Integer).unwrap(),
        (Type::Integer, Ok(Value::NotSet(Type::Integer)))
    );
    assert_eq!(
        eval_as("Flow.Unset", Type::String).unwrap(),
        (Type::String, Ok(Value::NotSet(Type::String)))
    );
    let err = |src: &str, t: Type| compile_as(src, &s, &t).unwrap_err()[0].clone();
    let e = err("5 / 2", Type::Integer);
    assert_eq!(e.message, "cannot assign Decimal to a Integer variable");
    assert!(e.help.unwrap().contains("ToInt"));
    assert_eq!(
        err("\"5\"", Type::Integer).message,
        "cannot assign String to a Integer variable"
    );
    assert_eq!(
        err("NOT_SET", Type::List(Box::new(Type::String))).message,
        "cannot assign NOT_SET to a StringCollection variable"
    );
}

#[test]
fn declared_type_mismatch_at_runtime_is_reported() {
    let s = scope();
    let mut v = Vars::new();
    v.set("Flow.I", Value::String("seven".into()));
    let d = Directory::default();
    let cx = EvalContext {
        vars: &v,
        now: DateTime(0),
        directory: &d,
    };
    let e = compile("Flow.I + 1", &s).unwrap().eval(&cx).unwrap_err();
    assert_eq!(
        e.message,
        "variable `Flow.I` holds a String but is declared Integer"
    );
}

#[test]
fn deep_input_is_an_error_not_a_crash() {
    let s = scope();
    for src in [
        format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}1", "-".repeat(10_000)),
        format!("{}true", "!".repeat(10_000)),
        vec!["1"; 50_000].join(" + "),
        format!("{}1{}", "Abs(".repeat(10_000), ")".repeat(10_000)),
        format!("Flow.L{}", "[0]".repeat(10_000)),
    ] {
        let errs = compile(&src, &s).unwrap_err();
        assert_eq!(errs.len(), 1, "{}: {errs:?}", &src[..20]);
        assert!(
            errs[0].message.contains("nests too deeply"),
            "{}",
            errs[0].message
        );
    }
    // Just under the limit still works, evaluation included.
    let src = format!("{}1{}", "(".repeat(150), ")".repeat(150));
    assert!(compile(&src, &s).is_ok());
    let src = vec!["1"; 150].join(" + ");
    let c = compile(&src, &s).unwrap();
    let (v, d) = (Vars::new(), Directory::default());
    let cx = EvalContext {
        vars: &v,
        now: DateTime(0),
        directory: &d,
    };
    assert_eq!(c.eval(&cx), Ok(Value::Integer(150)));
}

#[test]
fn deepest_accepted_expression_runs_on_a_small_thread_stack() {
    let t = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let src = format!("{}1{}", "Abs(".repeat(190), ")".repeat(190));
            let c = compile(&src, &Scope::new()).unwrap();
            let (v, d) = (Vars::new(), Directory::default());
            let cx = EvalContext {
                vars: &v,
                now: DateTime(0),
                directory: &d,
            };
            c.eval(&cx)
        })
        .unwrap();
    assert_eq!(t.join().unwrap(), Ok(Value::Integer(1)));
}
