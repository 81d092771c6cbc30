//! A batch of states as the runner sends it first: Python's marshal format (version 4), written
//! out here as the JSON the runner's own encoder would have written, byte for byte.
//!
//! Encoding JSON in the guest was the largest part of a run's Python time (CPython's C encoder
//! in WebAssembly: ~0.4 ms for the legacy bubblesort's 16.7 KB); `marshal.dumps` of the same
//! states takes a tenth of that, and writing JSON from it here costs microseconds.
//!
//! Only what maps onto the encoder's output without doubt is taken: `None`, booleans, integers
//! up to 120 bits, finite floats, strings, lists, tuples, and dicts keyed by strings, integers,
//! finite floats, booleans or `None`, shared objects included. Anything else (a set, bytes, a
//! huge integer, a cycle, nesting deeper than `MAX_DEPTH`, more text than the trace has room
//! for, or bytes that are not marshal data) makes `states_json` answer `None`, and the runner
//! encodes that batch as JSON itself, so what it would have raised, it still raises.
use std::io::Write;
use std::ops::Range;

/// Nesting taken here; deeper batches go the JSON way (the host refuses states deeper than 128).
const MAX_DEPTH: usize = 200;
/// Set on a type code: the object is kept in the reference table (marshal's `FLAG_REF`).
const FLAG_REF: u8 = 0x80;
/// Shared objects taken in one batch (24 MiB of table at most); a batch with more goes the
/// JSON way.
const MAX_REFS: usize = 1 << 20;

/// A batch written as JSON: every state's text, one after another, without separators.
pub(crate) struct Batch {
    pub text: String,
    pub states: Vec<Range<usize>>,
}

/// The JSON of `data`, the marshal of a list (or tuple) of states, if it converts exactly and
/// its states' text fits in `room` bytes.
pub(crate) fn states_json(data: &[u8], room: usize) -> Option<Batch> {
    // Capacities are bounded by what a batch can hold, not by what a program claims.
    let mut c = Converter { data, at: 0, out: Vec::with_capacity((data.len() + data.len() / 4).min(room)), room, refs: Vec::new() };
    let code = c.byte()?;
    let reserved = c.reserve(code);
    let count = match code & !FLAG_REF {
        b'[' | b'(' => c.u32()? as usize,
        b')' => c.byte()? as usize,
        _ => return None,
    };
    let mut states = Vec::with_capacity(count.min(256));
    for _ in 0..count {
        let start = c.out.len();
        c.value(1)?;
        states.push(start..c.out.len());
    }
    if reserved.is_some() || c.at != data.len() {
        // The batch itself referred to again, or bytes after it: not what the runner sends.
        return None;
    }
    // Only ASCII is ever written (strings are escaped as the encoder's `ensure_ascii` does).
    let text = String::from_utf8(c.out).ok()?;
    Some(Batch { text, states })
}

/// What a reference-table entry holds, as written in `out`.
#[derive(Clone)]
enum Kept {
    /// Reserved by a container that is still being read: a reference to it is a cycle.
    Pending,
    /// A JSON string: the same text as a dict key.
    Str(Range<usize>),
    /// A number, boolean or null: quoted as a dict key, as the encoder does.
    Scalar(Range<usize>),
    /// A list or dict: not a valid key.
    Container(Range<usize>),
}

struct Converter<'a> {
    data: &'a [u8],
    at: usize,
    out: Vec<u8>,
    room: usize,
    refs: Vec<Kept>,
}

impl Converter<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len())?;
        let bytes = &self.data[self.at..end];
        self.at = end;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// Reserves a reference-table entry when `code` carries the flag (before a container's
    /// items, as marshal numbers them).
    fn reserve(&mut self, code: u8) -> Option<usize> {
        (code & FLAG_REF != 0).then(|| {
            self.refs.push(Kept::Pending);
            self.refs.len() - 1
        })
    }

    fn refs_fit(&self) -> Option<()> {
        (self.refs.len() <= MAX_REFS).then_some(())
    }

    fn fits(&self) -> Option<()> {
        (self.out.len() <= self.room).then_some(())
    }

    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        self.out.extend_from_slice(bytes);
        self.fits()
    }

    /// One object, written as a JSON value.
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let code = self.byte()?;
        let reserved = self.reserve(code);
        self.refs_fit()?;
        let start = self.out.len();
        let kept = match code & !FLAG_REF {
            b'N' => self.put(b"null").map(|()| Kept::Scalar(start..self.out.len()))?,
            b'T' => self.put(b"true").map(|()| Kept::Scalar(start..self.out.len()))?,
            b'F' => self.put(b"false").map(|()| Kept::Scalar(start..self.out.len()))?,
            b'i' | b'l' | b'g' => {
                self.number(code & !FLAG_REF)?;
                Kept::Scalar(start..self.out.len())
            }
            b'z' | b'Z' | b'a' | b'A' | b'u' | b't' => {
                self.string(code & !FLAG_REF)?;
                Kept::Str(start..self.out.len())
            }
            b'[' | b'(' | b')' => {
                let count = if code & !FLAG_REF == b')' { self.byte()? as usize } else { self.u32()? as usize };
                self.out.push(b'[');
                for i in 0..count {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.value(depth + 1)?;
                }
                self.put(b"]")?;
                Kept::Container(start..self.out.len())
            }
            b'{' => {
                self.out.push(b'{');
                let mut first = true;
                loop {
                    if *self.data.get(self.at)? == b'0' {
                        self.at += 1;
                        break;
                    }
                    if !first {
                        self.out.push(b',');
                    }
                    first = false;
                    self.key()?;
                    self.out.push(b':');
                    self.value(depth + 1)?;
                }
                self.put(b"}")?;
                Kept::Container(start..self.out.len())
            }
            b'r' => {
                let index = self.u32()? as usize;
                let kept = self.refs.get(index)?.clone();
                let range = match &kept {
                    Kept::Pending => return None,
                    Kept::Str(r) | Kept::Scalar(r) | Kept::Container(r) => r.clone(),
                };
                self.copy(range)?;
                // A reference is not itself numbered.
                return if reserved.is_some() { None } else { Some(()) };
            }
            _ => return None,
        };
        if let Some(index) = reserved {
            self.refs[index] = kept;
        }
        Some(())
    }

    /// One dict key, written as the encoder writes keys: strings as they are; numbers, booleans
    /// and null as the string of their JSON.
    fn key(&mut self) -> Option<()> {
        let code = self.byte()?;
        if code & !FLAG_REF == b'r' {
            let index = self.u32()? as usize;
            return match self.refs.get(index)?.clone() {
                Kept::Str(r) => self.copy(r),
                Kept::Scalar(r) => {
                    self.out.push(b'"');
                    self.copy(r)?;
                    self.put(b"\"")
                }
                Kept::Pending | Kept::Container(_) => None,
            };
        }
        let reserved = self.reserve(code);
        self.refs_fit()?;
        let kept = match code & !FLAG_REF {
            b'z' | b'Z' | b'a' | b'A' | b'u' | b't' => {
                let start = self.out.len();
                self.string(code & !FLAG_REF)?;
                Kept::Str(start..self.out.len())
            }
            scalar @ (b'N' | b'T' | b'F' | b'i' | b'l' | b'g') => {
                self.out.push(b'"');
                let start = self.out.len();
                match scalar {
                    b'N' => self.put(b"null")?,
                    b'T' => self.put(b"true")?,
                    b'F' => self.put(b"false")?,
                    number => self.number(number)?,
                }
                let kept = Kept::Scalar(start..self.out.len());
                self.put(b"\"")?;
                kept
            }
            _ => return None,
        };
        if let Some(index) = reserved {
            self.refs[index] = kept;
        }
        Some(())
    }

    fn copy(&mut self, range: Range<usize>) -> Option<()> {
        if self.out.len() + range.len() > self.room {
            return None;
        }
        self.out.extend_from_within(range);
        Some(())
    }

    fn number(&mut self, code: u8) -> Option<()> {
        match code {
            b'i' => {
                let n = self.i32()?;
                write!(self.out, "{n}").ok()?;
            }
            b'l' => {
                // Digits of 15 bits, least significant first; the count carries the sign.
                let count = self.i32()?;
                let digits = count.unsigned_abs() as usize;
                if digits == 0 || digits > 8 {
                    return None;
                }
                let mut magnitude: u128 = 0;
                for i in 0..digits {
                    let digit = u16::from_le_bytes(self.take(2)?.try_into().ok()?);
                    if digit >= 1 << 15 || (i == digits - 1 && digit == 0) {
                        return None;
                    }
                    magnitude |= u128::from(digit) << (15 * i);
                }
                let sign = if count < 0 { "-" } else { "" };
                write!(self.out, "{sign}{magnitude}").ok()?;
            }
            _ => {
                let x = f64::from_le_bytes(self.take(8)?.try_into().ok()?);
                if !x.is_finite() {
                    // The encoder refuses NaN and infinities (`allow_nan=False`): its error it is.
                    return None;
                }
                write_float(&mut self.out, x);
            }
        }
        self.fits()
    }

    fn string(&mut self, code: u8) -> Option<()> {
        let len = match code {
            b'z' | b'Z' => self.byte()? as usize,
            _ => self.u32()? as usize,
        };
        let ascii = !matches!(code, b'u' | b't');
        // The text is at least the string's bytes and quotes, at most six bytes for each byte.
        if self.out.len() + len + 2 > self.room {
            return None;
        }
        let data = self.data;
        let bytes = data.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        write_string(&mut self.out, bytes, ascii)?;
        self.fits()
    }
}

/// `s` as the encoder writes a string with `ensure_ascii`: printable ASCII as it is, `"` and
/// `\` and the usual control characters as their short escapes, everything else as `\uXXXX`
/// (lower-case hex; UTF-16 surrogate pairs above the BMP). `ascii`: the bytes must all be ASCII;
/// otherwise they are UTF-8 in which surrogates may appear (marshal's `surrogatepass`).
fn write_string(out: &mut Vec<u8>, s: &[u8], ascii: bool) -> Option<()> {
    out.push(b'"');
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b < 0x80 {
            escape_ascii(out, b);
            i += 1;
            continue;
        }
        if ascii {
            return None;
        }
        let (c, len) = decode(&s[i..])?;
        i += len;
        if c >= 0x10000 {
            let v = c - 0x10000;
            escape_unit(out, 0xD800 | (v >> 10));
            escape_unit(out, 0xDC00 | (v & 0x3FF));
        } else {
            escape_unit(out, c);
        }
    }
    out.push(b'"');
    Some(())
}

fn escape_ascii(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b' '..=b'~' => out.push(b),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        _ => escape_unit(out, u32::from(b)),
    }
}

fn escape_unit(out: &mut Vec<u8>, unit: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[(unit >> shift & 0xF) as usize]);
    }
}

/// One code point of UTF-8 that may hold surrogates, and its length; `None` for anything else
/// (overlong forms, values past U+10FFFF, a cut sequence).
fn decode(s: &[u8]) -> Option<(u32, usize)> {
    let cont = |i: usize, range: std::ops::RangeInclusive<u8>| s.get(i).copied().filter(|b| range.contains(b)).map(|b| u32::from(b & 0x3F));
    let b0 = u32::from(s[0]);
    match s[0] {
        0xC2..=0xDF => Some(((b0 & 0x1F) << 6 | cont(1, 0x80..=0xBF)?, 2)),
        0xE0..=0xEF => {
            let second = if s[0] == 0xE0 { 0xA0..=0xBF } else { 0x80..=0xBF };
            Some(((b0 & 0x0F) << 12 | cont(1, second)? << 6 | cont(2, 0x80..=0xBF)?, 3))
        }
        0xF0..=0xF4 => {
            let second = match s[0] {
                0xF0 => 0x90..=0xBF,
                0xF4 => 0x80..=0x8F,
                _ => 0x80..=0xBF,
            };
            Some(((b0 & 0x07) << 18 | cont(1, second)? << 12 | cont(2, 0x80..=0xBF)? << 6 | cont(3, 0x80..=0xBF)?, 4))
        }
        _ => None,
    }
}

/// `x` (finite) as Python's `repr(float)`: the shortest digits that read back as `x`, in
/// positional form when the decimal exponent is from -4 to 15 (with `.0` when there is no
/// fraction), else as `d.ddde±XX`.
fn write_float(out: &mut Vec<u8>, x: f64) {
    let (sign, digits, decpt) = shortest_digits(x);
    let digits = digits.as_slice();
    out.extend_from_slice(sign.as_bytes());
    if decpt <= -4 || decpt > 16 {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let exponent = decpt - 1;
        let _ = write!(out, "e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs());
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
        out.extend_from_slice(digits);
    } else {
        let point = decpt as usize;
        if point >= digits.len() {
            out.extend_from_slice(digits);
            out.extend(std::iter::repeat_n(b'0', point - digits.len()));
            out.extend_from_slice(b".0");
        } else {
            out.extend_from_slice(&digits[..point]);
            out.push(b'.');
            out.extend_from_slice(&digits[point..]);
        }
    }
}

/// The sign, the shortest digits that read back as `x` (of two as close, the even one, as
/// CPython's dtoa picks; Rust's own formatting may pick the other), and `decpt`: the value is
/// 0.<digits> times ten to it.
fn shortest_digits(x: f64) -> (&'static str, Vec<u8>, i32) {
    let mut buffer = ryu::Buffer::new();
    // Either `123.45`, `1e16` or `1.2345e-7`, with a leading `-` when negative.
    let text = buffer.format_finite(x);
    let (sign, text) = text.strip_prefix('-').map_or(("", text), |t| ("-", t));
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let exponent: i32 = exponent.parse().expect("ryu writes a decimal exponent");
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    let mut decpt = exponent + whole.len() as i32;
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    if leading == digits.len() {
        return (sign, vec![b'0'], 1);
    }
    digits.drain(..leading);
    decpt -= leading as i32;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (sign, digits, decpt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(data: &[u8]) -> Option<Vec<String>> {
        let batch = states_json(data, 1 << 20)?;
        Some(batch.states.iter().map(|r| batch.text[r.clone()].to_owned()).collect())
    }

    fn float(x: f64) -> String {
        let mut out = Vec::new();
        write_float(&mut out, x);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_are_written_as_python_writes_their_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.2345e-7, "1.2345e-07"),
            (123456789012345.6, "123456789012345.6"),
            (1234567890123456.0, "1234567890123456.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e100, "1e+100"),
            (-2.5e-300, "-2.5e-300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1.0 / 3.0, "0.3333333333333333"),
            // Two shortest candidates, .2 and .3, equally close: CPython takes the even one.
            (-783382312042624.25, "-783382312042624.2"),
            (100.0, "100.0"),
        ];
        for (x, python) in cases {
            assert_eq!(float(x), python, "repr({x:e})");
        }
    }

    #[test]
    fn a_batch_of_plain_values_becomes_the_encoders_json() {
        // marshal.dumps([{'a': [1, -2, True, None], 'é': 'x"\n\x7f'}, (), 70000 ** 2], 4)
        let mut data = vec![b'[', 3, 0, 0, 0, b'{'];
        data.extend_from_slice(&[b'z', 1, b'a', b'[', 4, 0, 0, 0, b'i', 1, 0, 0, 0, b'i', 0xFE, 0xFF, 0xFF, 0xFF, b'T', b'N']);
        data.extend_from_slice(&[b'u', 2, 0, 0, 0, 0xC3, 0xA9, b'z', 4, b'x', b'"', b'\n', 0x7F, b'0']);
        data.extend_from_slice(&[b')', 0]);
        // 4_900_000_000 in 15-bit digits: 3 digits.
        let n: u64 = 4_900_000_000;
        data.extend_from_slice(&[b'l', 3, 0, 0, 0]);
        for i in 0..3 {
            data.extend_from_slice(&(((n >> (15 * i)) & 0x7FFF) as u16).to_le_bytes());
        }
        assert_eq!(
            json(&data).unwrap(),
            [r#"{"a":[1,-2,true,null],"\u00e9":"x\"\n\u007f"}"#, "[]", "4900000000"]
        );
    }

    #[test]
    fn shared_objects_are_written_again_where_they_are_referred_to() {
        // s = 'arr'; marshal.dumps([{s: 5, 7: s}, {s: 5}], 4) with s and 5 flagged as shared.
        let data = [
            b'[', 2, 0, 0, 0, b'{', b'Z' | FLAG_REF, 3, b'a', b'r', b'r', b'i' | FLAG_REF, 5, 0, 0, 0, b'i', 7, 0, 0, 0, b'r', 0, 0, 0, 0,
            b'0', b'{', b'r', 0, 0, 0, 0, b'r', 1, 0, 0, 0, b'0',
        ];
        assert_eq!(json(&data).unwrap(), [r#"{"arr":5,"7":"arr"}"#, r#"{"arr":5}"#]);
        // A shared number used as a key is quoted there.
        let data = [b'[', 1, 0, 0, 0, b'{', b'i' | FLAG_REF, 9, 0, 0, 0, b'r', 0, 0, 0, 0, b'0'];
        assert_eq!(json(&data).unwrap(), [r#"{"9":9}"#]);
    }

    #[test]
    fn what_the_encoder_would_refuse_or_write_otherwise_is_left_to_it() {
        let refused: [&[u8]; 9] = [
            // a set, bytes, a complex number
            &[b'[', 1, 0, 0, 0, b'<', 0, 0, 0, 0],
            &[b'[', 1, 0, 0, 0, b's', 0, 0, 0, 0],
            &[b'[', 1, 0, 0, 0, b'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            // NaN
            &[b'[', 1, 0, 0, 0, b'g', 0, 0, 0, 0, 0, 0, 0xF8, 0x7F],
            // a list that contains itself
            &[b'[', 1, 0, 0, 0, b'[' | FLAG_REF, 1, 0, 0, 0, b'r', 0, 0, 0, 0],
            // a tuple as a dict key
            &[b'[', 1, 0, 0, 0, b'{', b')', 0, b'N', b'0'],
            // not ASCII in an ASCII string, a cut string, bytes after the batch
            &[b'[', 1, 0, 0, 0, b'z', 1, 0xE9],
            &[b'[', 1, 0, 0, 0, b'z', 9, b'a'],
            &[b'[', 0, 0, 0, 0, b'N'],
        ];
        for data in refused {
            assert!(json(data).is_none(), "{data:?}");
        }
    }

    #[test]
    fn a_batch_whose_text_would_not_fit_is_left_to_the_encoder() {
        // [s, s, s, ...] where s is a shared 200-character string: 30 bytes of marshal.
        let mut data = vec![b'[', 200, 0, 0, 0, b'Z' | FLAG_REF, 200];
        data.extend(std::iter::repeat_n(b'x', 200));
        for _ in 1..200 {
            data.extend_from_slice(&[b'r', 0, 0, 0, 0]);
        }
        assert!(states_json(&data, 200 * 202).is_some());
        assert!(states_json(&data, 200 * 202 - 1).is_none());
    }

    #[test]
    fn a_batch_with_more_shared_objects_than_the_table_takes_is_left_to_the_encoder() {
        // [None, None, ...], every None flagged as shared: a byte each, four bytes of text each.
        let batch = |count: usize| {
            let mut data = vec![b'['];
            data.extend_from_slice(&(count as u32).to_le_bytes());
            data.extend(std::iter::repeat_n(b'N' | FLAG_REF, count));
            data
        };
        assert!(states_json(&batch(MAX_REFS), 8 * MAX_REFS).is_some());
        assert!(states_json(&batch(MAX_REFS + 1), 8 * MAX_REFS).is_none());
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_left_to_the_encoder() {
        let nested = |depth: usize| {
            let mut data = vec![b'[', 1, 0, 0, 0];
            for _ in 0..depth - 1 {
                data.extend_from_slice(&[b')', 1]);
            }
            data.push(b'N');
            data
        };
        assert!(json(&nested(MAX_DEPTH)).is_some());
        assert!(json(&nested(MAX_DEPTH + 1)).is_none());
    }

    #[test]
    fn any_bytes_at_all_are_answered_without_a_panic() {
        // A program may send the host anything through the runner's imports.
        let mut seed = 0x2545F4914F6CDD1Du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"[(){}0NTFilgzZaAut<sr\x80\xdb\x01\x00\xff";
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let mut data = vec![b'['];
            data.extend((0..len).map(|_| {
                let r = next();
                if r % 3 == 0 { alphabet[(r >> 8) as usize % alphabet.len()] } else { (r >> 16) as u8 }
            }));
            let _ = states_json(&data, 4096);
        }
    }
}
