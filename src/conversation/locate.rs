//! Find where a JSON path's value starts in the text, since serde_json keeps no spans:
//! only used on the error path, so a small scanner over the bytes is enough.

use super::PathStep;

/// 1-based line and column (in characters) of the value at `steps`, if the text is
/// well-formed enough to reach it.
pub fn locate(text: &str, steps: &[PathStep]) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    for step in steps {
        pos = match (step, bytes.get(pos)?) {
            (PathStep::Key(want), b'{') => find_member(text, pos, want)?,
            (PathStep::Index(want), b'[') => find_item(bytes, pos, *want)?,
            _ => return None,
        };
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, col))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// End of the string starting at `i` (on the opening quote), past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                b.get(j),
                None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            ) {
                j += 1;
            }
            Some(j)
        }
    }
}

fn find_member(text: &str, open: usize, want: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, open + 1);
    loop {
        if b.get(i)? != &b'"' {
            return None;
        }
        let end = skip_string(b, i)?;
        let key: String = serde_json::from_str(&text[i..end]).ok()?;
        i = skip_ws(b, end);
        if b.get(i)? != &b':' {
            return None;
        }
        i = skip_ws(b, i + 1);
        if key == want {
            return Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            _ => return None,
        }
    }
}

fn find_item(b: &[u8], open: usize, want: usize) -> Option<usize> {
    let mut i = skip_ws(b, open + 1);
    for _ in 0..want {
        i = skip_ws(b, skip_value(b, i)?);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            _ => return None,
        }
    }
    matches!(b.get(i), Some(c) if *c != b']').then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\\\"x\": 2}],\n  \"c\": {\"d\": true}\n}";
        assert_eq!(
            locate(
                text,
                &[
                    PathStep::Key("a".into()),
                    PathStep::Index(1),
                    PathStep::Key("b\"x".into())
                ]
            ),
            Some((2, 21))
        );
        assert_eq!(
            locate(
                text,
                &[PathStep::Key("c".into()), PathStep::Key("d".into())]
            ),
            Some((3, 14))
        );
        assert_eq!(locate(text, &[PathStep::Key("zz".into())]), None);
    }
}
