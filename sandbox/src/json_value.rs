//! One JSON object or array, checked by a table-driven automaton: one table lookup per byte
//! instead of a recursive-descent parser's calls and branches per token. A state_def is mostly
//! short tokens (`"id"`, `3`, `,`), where per-token overhead was most of the cost.
//!
//! Like the rest of `shape`, it answers only "certainly well-formed"; `\u` escapes, nesting past
//! `MAX_DEPTH` and every error are left to serde_json.

/// Deeper than this, the general check decides (`trace::check_with_serde`, which refuses
/// states deeper than `trace::MAX_STATE_DEPTH`).
pub(crate) const MAX_DEPTH: u32 = 100;

// Byte classes.
const WS: u8 = 0;
const LBRACE: u8 = 1;
const RBRACE: u8 = 2;
const LBRACK: u8 = 3;
const RBRACK: u8 = 4;
const COLON: u8 = 5;
const COMMA: u8 = 6;
const QUOTE: u8 = 7;
const MINUS: u8 = 8;
const PLUS: u8 = 9;
const DOT: u8 = 10;
const ZERO: u8 = 11;
const DIGIT: u8 = 12;
const UPPER_E: u8 = 13;
const LETTERS: &[u8; 9] = b"truefalsn";
/// `t r u e f a l s n` get one class each from here on; `e` doubles as the exponent.
const LETTER0: u8 = 14;
const OTHER: u8 = LETTER0 + 9;
/// Rows and columns are padded to 32 so that a masked index needs no bounds check.
const CLASSES: usize = 32;
const _: () = assert!((OTHER as usize) < CLASSES);

const fn class_of(b: u8) -> u8 {
    match b {
        b' ' | b'\n' | b'\r' | b'\t' => WS,
        b'{' => LBRACE,
        b'}' => RBRACE,
        b'[' => LBRACK,
        b']' => RBRACK,
        b':' => COLON,
        b',' => COMMA,
        b'"' => QUOTE,
        b'-' => MINUS,
        b'+' => PLUS,
        b'.' => DOT,
        b'0' => ZERO,
        b'1'..=b'9' => DIGIT,
        b'E' => UPPER_E,
        _ => {
            let mut k = 0;
            while k < LETTERS.len() {
                if LETTERS[k] == b {
                    return LETTER0 + k as u8;
                }
                k += 1;
            }
            OTHER
        }
    }
}

static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = class_of(b as u8);
        b += 1;
    }
    t
};

// Automaton states. Below `ACTION` a transition only changes the state; at or above it, it
// also does something (or fails), so the common byte costs one comparison.
/// A value is expected.
const VALUE: u8 = 1;
/// A value or `]`: just after `[`.
const VALUE_OR_END: u8 = 2;
/// A key is expected: after `,` in an object.
const KEY: u8 = 3;
/// A key or `}`: just after `{`.
const KEY_OR_END: u8 = 4;
const COLON_NEXT: u8 = 5;
/// After a complete value: `,` or a closing bracket.
const AFTER: u8 = 6;
const MINUS_SEEN: u8 = 7;
const ZERO_SEEN: u8 = 8;
const INT: u8 = 9;
const POINT: u8 = 10;
const FRACTION: u8 = 11;
const EXP: u8 = 12;
const EXP_SIGN: u8 = 13;
const EXP_DIGITS: u8 = 14;
// `true`, `false`, `null`: the letters still to come.
const T_R: u8 = 15;
const T_U: u8 = 16;
const T_E: u8 = 17;
const F_A: u8 = 18;
const F_L: u8 = 19;
const F_S: u8 = 20;
const F_E: u8 = 21;
const N_U: u8 = 22;
const N_L1: u8 = 23;
const N_L2: u8 = 24;
const STATES: usize = 32;
const _: () = assert!((N_L2 as usize) < STATES);

// Transitions that also touch the bracket stack or skip a string.
const ACTION: u8 = 32;
const FAIL: u8 = 255;
const OPEN_OBJECT: u8 = 32;
const OPEN_ARRAY: u8 = 33;
const NEXT_MEMBER: u8 = 34;
const CLOSE_OBJECT: u8 = 35;
const CLOSE_ARRAY: u8 = 36;
const VALUE_STRING: u8 = 37;
const KEY_STRING: u8 = 38;

type Table = [[u8; CLASSES]; STATES];

/// In each of `states`, a byte of `class` leads to `to`.
const fn on(t: &mut Table, states: &[u8], class: u8, to: u8) {
    let mut k = 0;
    while k < states.len() {
        t[states[k] as usize][class as usize] = to;
        k += 1;
    }
}

const fn letter(b: u8) -> u8 {
    class_of(b)
}

static TABLE: Table = {
    let mut t = [[FAIL; CLASSES]; STATES];
    let value = [VALUE, VALUE_OR_END];
    on(&mut t, &[VALUE], WS, VALUE);
    on(&mut t, &[VALUE_OR_END], WS, VALUE_OR_END);
    on(&mut t, &value, LBRACE, OPEN_OBJECT);
    on(&mut t, &value, LBRACK, OPEN_ARRAY);
    on(&mut t, &value, QUOTE, VALUE_STRING);
    on(&mut t, &value, MINUS, MINUS_SEEN);
    on(&mut t, &value, ZERO, ZERO_SEEN);
    on(&mut t, &value, DIGIT, INT);
    on(&mut t, &value, letter(b't'), T_R);
    on(&mut t, &value, letter(b'f'), F_A);
    on(&mut t, &value, letter(b'n'), N_U);
    on(&mut t, &[VALUE_OR_END], RBRACK, CLOSE_ARRAY);
    on(&mut t, &[KEY], WS, KEY);
    on(&mut t, &[KEY_OR_END], WS, KEY_OR_END);
    on(&mut t, &[KEY, KEY_OR_END], QUOTE, KEY_STRING);
    on(&mut t, &[KEY_OR_END], RBRACE, CLOSE_OBJECT);
    on(&mut t, &[COLON_NEXT], WS, COLON_NEXT);
    on(&mut t, &[COLON_NEXT], COLON, VALUE);
    // A number ends at whatever may follow a value, which then acts as it does after one.
    let ends = [AFTER, ZERO_SEEN, INT, FRACTION, EXP_DIGITS];
    on(&mut t, &ends, WS, AFTER);
    on(&mut t, &ends, COMMA, NEXT_MEMBER);
    on(&mut t, &ends, RBRACE, CLOSE_OBJECT);
    on(&mut t, &ends, RBRACK, CLOSE_ARRAY);
    on(&mut t, &[MINUS_SEEN], ZERO, ZERO_SEEN);
    on(&mut t, &[INT], ZERO, INT);
    on(&mut t, &[MINUS_SEEN, INT], DIGIT, INT);
    on(&mut t, &[ZERO_SEEN, INT], DOT, POINT);
    on(&mut t, &[POINT, FRACTION], ZERO, FRACTION);
    on(&mut t, &[POINT, FRACTION], DIGIT, FRACTION);
    on(&mut t, &[ZERO_SEEN, INT, FRACTION], letter(b'e'), EXP);
    on(&mut t, &[ZERO_SEEN, INT, FRACTION], UPPER_E, EXP);
    on(&mut t, &[EXP], PLUS, EXP_SIGN);
    on(&mut t, &[EXP], MINUS, EXP_SIGN);
    on(&mut t, &[EXP, EXP_SIGN, EXP_DIGITS], ZERO, EXP_DIGITS);
    on(&mut t, &[EXP, EXP_SIGN, EXP_DIGITS], DIGIT, EXP_DIGITS);
    on(&mut t, &[T_R], letter(b'r'), T_U);
    on(&mut t, &[T_U], letter(b'u'), T_E);
    on(&mut t, &[T_E], letter(b'e'), AFTER);
    on(&mut t, &[F_A], letter(b'a'), F_L);
    on(&mut t, &[F_L], letter(b'l'), F_S);
    on(&mut t, &[F_S], letter(b's'), F_E);
    on(&mut t, &[F_E], letter(b'e'), AFTER);
    on(&mut t, &[N_U], letter(b'u'), N_L1);
    on(&mut t, &[N_L1], letter(b'l'), N_L2);
    on(&mut t, &[N_L2], letter(b'l'), AFTER);
    t
};

/// Checks the object or array that starts at `b[start]` and returns the index just past it.
/// Also reports whether a string in it held a byte outside ASCII (to be checked as UTF-8).
pub(crate) fn container(b: &[u8], start: usize, non_ascii: &mut bool) -> Option<usize> {
    run(b, Position::START, start, non_ascii, None)
}

/// Checks the object that starts at `b[start]` like `container`, given `prev`, an all-ASCII
/// object checked this way before, and `prev_members`, where its top-level members began (the
/// offset just past each top-level comma). After the same bytes the automaton is in the same
/// state, so the bytes both objects begin with are not scanned again, up to the last such
/// member. `members` receives this object's.
///
/// Consecutive states of one structure repeat most of their state_def (`{"id":..,
/// "variable_name":..,"body":[..],"index1":..`), which was most of the checking time.
pub(crate) fn object_after(
    b: &[u8],
    start: usize,
    prev: &[u8],
    prev_members: &[u32],
    members: &mut Vec<u32>,
    non_ascii: &mut bool,
) -> Option<usize> {
    members.clear();
    let same = common_prefix(&b[start..], prev);
    if same == prev.len() && !prev.is_empty() {
        // The whole of `prev` again: it ends where `prev` ended.
        members.extend_from_slice(prev_members);
        return Some(start + prev.len());
    }
    match prev_members.iter().rev().find(|&&m| m as usize <= same) {
        Some(&resume) => {
            members.extend(prev_members.iter().take_while(|&&m| m <= resume));
            let at = Position { state: KEY, open: 1, depth: 1 };
            run(b, at, start + resume as usize, non_ascii, Some((members, start)))
        }
        None => run(b, Position::START, start, non_ascii, Some((members, start))),
    }
}

/// How many bytes `a` and `b` begin with in common, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().expect("eight bytes"));
        let y = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if x != y {
            return i + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + a[i..n].iter().zip(&b[i..n]).take_while(|(x, y)| x == y).count()
}

/// The automaton between two bytes: its state and the open containers as a bit stack
/// (1 = object), with `depth` counting them.
#[derive(Clone, Copy)]
struct Position {
    state: u8,
    open: u128,
    depth: u32,
}

impl Position {
    const START: Position = Position { state: VALUE, open: 0, depth: 0 };
}

/// Runs the automaton from `at`, just before `b[i]`, to the end of the outermost container.
/// With `members`, the offsets (from its second element) just past the outermost object's
/// commas are pushed to its first.
fn run(
    b: &[u8],
    at: Position,
    mut i: usize,
    non_ascii: &mut bool,
    mut members: Option<(&mut Vec<u32>, usize)>,
) -> Option<usize> {
    let Position { mut state, mut open, mut depth } = at;
    while i < b.len() {
        let next = TABLE[state as usize & (STATES - 1)][CLASS[b[i] as usize] as usize & (CLASSES - 1)];
        i += 1;
        if next < ACTION {
            state = next;
            continue;
        }
        state = match next {
            FAIL => return None,
            OPEN_OBJECT | OPEN_ARRAY => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
                let object = next == OPEN_OBJECT;
                open = open << 1 | u128::from(object);
                if object {
                    KEY_OR_END
                } else {
                    VALUE_OR_END
                }
            }
            NEXT_MEMBER if open & 1 == 1 => {
                if let (1, Some((members, base))) = (depth, members.as_mut()) {
                    members.push(u32::try_from(i - *base).ok()?);
                }
                KEY
            }
            NEXT_MEMBER => VALUE,
            CLOSE_OBJECT | CLOSE_ARRAY => {
                if depth == 0 || (open & 1 == 1) != (next == CLOSE_OBJECT) {
                    return None;
                }
                open >>= 1;
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
                AFTER
            }
            VALUE_STRING => {
                i = string_end(b, i, non_ascii)?;
                AFTER
            }
            KEY_STRING => {
                i = string_end(b, i, non_ascii)?;
                COLON_NEXT
            }
            _ => return None,
        };
    }
    None
}

/// The index just past the closing quote of the string whose contents start at `i`.
pub(crate) fn string_end(b: &[u8], mut i: usize, non_ascii: &mut bool) -> Option<usize> {
    loop {
        // Eight bytes at a time; the lowest flagged byte is the next one that matters.
        let at = match b.get(i..i + 8) {
            Some(word) => match special_bytes(u64::from_le_bytes(word.try_into().ok()?)) {
                0 => {
                    i += 8;
                    continue;
                }
                mask => i + (mask.trailing_zeros() / 8) as usize,
            },
            None => i + b.get(i..)?.iter().position(|&c| c == b'"' || c == b'\\' || !(0x20..0x80).contains(&c))?,
        };
        match b[at] {
            b'"' => return Some(at + 1),
            b'\\' => match *b.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i = at + 2,
                _ => return None,
            },
            c if c >= 0x80 => {
                *non_ascii = true;
                i = at + 1;
            }
            _ => return None,
        }
    }
}

/// The high bit of each byte of `w` that may be `"`, `\\`, a control character or outside
/// ASCII. A byte above one that is may be flagged too (a borrow); the lowest flagged byte
/// always is one.
pub(crate) fn special_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_byte(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(w ^ (ONES * u64::from(b'\\')));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control | (w & HIGH)
}

/// The items of `b`, a JSON array written without whitespace between its items (as the Python
/// runner's encoder writes it), as slices; `None` when its brackets, strings or nesting do not
/// balance. Only the array is checked here: each item is checked as a state afterwards.
pub(crate) fn array_items(b: &[u8]) -> Option<Vec<&[u8]>> {
    if b.first() != Some(&b'[') || b.last() != Some(&b']') || b.len() < 2 {
        return None;
    }
    let end = b.len() - 1;
    let mut items = Vec::new();
    if end == 1 {
        return Some(items);
    }
    let (mut depth, mut start, mut i) = (0u32, 1, 1);
    let mut non_ascii = false;
    while i < end {
        match b[i] {
            // Strings are most of a trace: skipped eight bytes at a time where they are plain.
            b'"' => i = string_end(b, i + 1, &mut non_ascii).or_else(|| escaped_string_end(b, i + 1))?,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b',' if depth == 0 => {
                items.push(&b[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if depth != 0 || i != end {
        return None;
    }
    items.push(&b[start..end]);
    Some(items)
}

/// Whether the JSON text `b` nests arrays and objects more than `limit` levels deep (strings
/// are skipped; the text need not be valid).
pub(crate) fn deeper_than(b: &[u8], limit: usize) -> bool {
    let (mut depth, mut i) = (0usize, 0);
    let mut non_ascii = false;
    while i < b.len() {
        match b[i] {
            b'"' => match string_end(b, i + 1, &mut non_ascii).or_else(|| escaped_string_end(b, i + 1)) {
                Some(end) => i = end,
                None => return false,
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    false
}

/// The index just past the closing quote of the string whose contents start at `i`, whatever
/// its escapes (`string_end` leaves some to serde).
fn escaped_string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{array_items, container, object_after};

    #[test]
    fn an_array_is_split_into_its_items_whatever_their_strings_hold() {
        let text = r#"[{"a":"x,y]}"},{"b":[1,{"c":"\"],"}]},{"d":"\u005d,"},{}]"#;
        let items: Vec<&str> = array_items(text.as_bytes()).unwrap().into_iter().map(|i| std::str::from_utf8(i).unwrap()).collect();
        assert_eq!(items, [r#"{"a":"x,y]}"}"#, r#"{"b":[1,{"c":"\"],"}]}"#, r#"{"d":"\u005d,"}"#, "{}"]);
        assert_eq!(array_items(b"[]").unwrap().len(), 0);
    }

    #[test]
    fn text_that_is_not_a_balanced_array_has_no_items() {
        for bad in [&b""[..], b"[", b"{}", b"[{}", b"[{}]]", b"[{\"a\":\"]", b"[{]", b"[}{]"] {
            assert!(array_items(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn an_object_after_another_is_scanned_only_past_the_members_they_share() {
        // `tru` is not JSON: what the automaton would refuse shows whether it looked.
        let prev = br#"{"a":tru,"b":[1,2],"c":3}"#;
        let (mut members, mut ascii) = (Vec::new(), false);
        assert_eq!(object_after(prev, 0, b"", &[], &mut members, &mut ascii), None);
        let next = br#"{"a":tru,"b":[1,2],"c":4}"#;
        assert_eq!(object_after(next, 0, prev, &[9, 19], &mut members, &mut ascii), Some(next.len()));
        assert_eq!(members, [9, 19]);
        assert_eq!(object_after(next, 0, prev, &[], &mut members, &mut ascii), None);
        let good = br#"{"a":true,"b":[1,2],"c":3}"#;
        assert_eq!(object_after(good, 0, b"", &[], &mut members, &mut ascii), Some(good.len()));
        assert_eq!(members, [10, 20], "where the members after each top-level comma begin");
        let other = br#"{"a":true,"b":[1,2,3],"c":3}"#;
        assert_eq!(object_after(other, 0, good, &[10, 20], &mut members, &mut ascii), Some(other.len()));
        assert_eq!(members, [10, 22]);
        assert_eq!(object_after(good, 0, good, &[10, 20], &mut members, &mut ascii), Some(good.len()));
        assert_eq!(members, [10, 20]);
    }

    #[test]
    fn a_value_that_is_not_a_container_is_refused_not_followed_past_its_end() {
        for text in ["1]", "\"a\"}", "true,1]", "nul"] {
            assert_eq!(container(text.as_bytes(), 0, &mut false), None, "{text}");
        }
    }

    /// Every value alone and inside an object: accepted exactly when serde_json accepts it.
    #[test]
    fn scalars_and_nesting_are_judged_as_serde_json_judges_them() {
        let values = [
            "0", "-0", "7", "-12", "10", "0.5", "-0.25e-3", "1E+2", "1e5", "2.0E-0", "true", "false",
            "null", "\"s\"", "\"a\\\"b\"", "[]", "{}", "[1,[2,{}]]", "{\"a\":{\"b\":[]}}",
            "01", "-", "--1", "1.", ".5", "1e", "1e+", "+1", "tru", "nul", "fals", "True", "[1,]",
            "{\"a\"}", "{\"a\":}", "{,}", "[,1]", "{\"a\":1,}", "[1 2]", "\"\\x\"", "1-2",
        ];
        for v in values {
            for text in [format!("[{v}]"), format!("{{\"k\": {v} }}")] {
                let serde_ok = serde_json::from_str::<serde_json::Value>(&text).is_ok();
                let ours = container(text.as_bytes(), 0, &mut false);
                assert_eq!(ours.is_some(), serde_ok, "{text}");
                if let Some(end) = ours {
                    assert_eq!(end, text.len(), "{text}");
                }
            }
        }
    }
}
