//! Reading the multipart answers of the letter endpoints (RFC 2046): Accuro
//! (Apache CXF) answers a letter as a JSON part describing it, then a part
//! with its content, each with its own `Content-Type`, separated by the
//! boundary its answer's `Content-Type` names (`boundary="uuid:…"`).
//!
//! Why a reader of our own rather than `multer` (the crate axum uses, already
//! in `Cargo.lock` through the sandbox): in `accuro-client` it would add eight
//! crates to every user's build (`multer`, `encoding_rs` and its five
//! dependencies, `spin`, `version_check`), about 7.5 s of a cold build on the
//! 2-core machine of `BENCHMARKS.md` (`encoding_rs` alone 4.8 s), which is the
//! size of the HTTP/2 stack this crate made opt-in for its cost. And `multer`
//! is a streaming `multipart/form-data` reader for servers (it refuses other
//! multipart types and names parts by `Content-Disposition`, which CXF's parts
//! lack), while here the answer is already in memory and only needs to be
//! split. What this needs is small: the boundary from `Content-Type`, the
//! delimiters found with `memchr`, each part's headers read with `httparse`
//! (both already in the build through hyper and serde_json).
//!
//! Strict where leniency would hide damage: the closing delimiter must be
//! there (a cut answer is an error, not a shorter PDF), and an encoding other
//! than `binary`, `8bit` or `7bit` is refused rather than returned undecoded.
//! No error quotes any byte of the body (part headers included) or the
//! boundary: the body is a patient's letter.

use std::fmt;

/// The parts of a multipart answer in the shape the letter endpoints answer.
/// (No `Debug`: it is a patient's letter.)
pub(super) struct LetterParts<'a> {
    /// The JSON part's body.
    pub(super) json: &'a [u8],
    /// The content part's body.
    pub(super) content: &'a [u8],
    /// The content part's `Content-Type`, as sent.
    pub(super) content_type: Option<&'a str>,
}

/// Why a multipart answer could not be read. `Display` names what is wrong
/// and where (a part's number), never a byte of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MultipartError {
    /// The answer has no `Content-Type`, or it is not `multipart/*`.
    NotMultipart,
    /// `Content-Type` names no boundary, or a malformed one.
    BadBoundary,
    /// No delimiter starts a line of the body.
    NoDelimiter,
    /// A delimiter is followed by neither `--` nor a line break.
    BadDelimiter,
    /// The body ends before the closing delimiter (a cut answer).
    Unterminated,
    /// A part's headers are malformed or not ended by a blank line.
    BadHeaders {
        /// The part's number, from 1.
        part: usize,
    },
    /// A part is in a transfer encoding this reader does not decode.
    UnsupportedEncoding {
        /// The part's number, from 1.
        part: usize,
    },
    /// Not the two parts (JSON, content) the endpoints answer.
    PartCount {
        /// How many parts there are (counted up to [`MAX_PARTS`]).
        found: usize,
    },
}

/// Counting parts stops here: an answer with this many is refused anyway.
const MAX_PARTS: usize = 16;

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotMultipart => f.write_str("the answer is not multipart"),
            Self::BadBoundary => {
                f.write_str("the multipart answer's Content-Type has no valid boundary")
            }
            Self::NoDelimiter => f.write_str("the multipart body has no boundary delimiter"),
            Self::BadDelimiter => {
                f.write_str("a boundary delimiter is not followed by a line break")
            }
            Self::Unterminated => {
                f.write_str("the multipart body ends before its closing delimiter (cut short)")
            }
            Self::BadHeaders { part } => write!(f, "part {part} has malformed headers"),
            Self::UnsupportedEncoding { part } => {
                write!(
                    f,
                    "part {part} has an unsupported Content-Transfer-Encoding"
                )
            }
            Self::PartCount { found } if *found >= MAX_PARTS => {
                write!(
                    f,
                    "expected 2 parts (JSON, content), found {MAX_PARTS} or more"
                )
            }
            Self::PartCount { found } => {
                write!(f, "expected 2 parts (JSON, content), found {found}")
            }
        }
    }
}

/// One part: its media type (`Content-Type`, as sent) and body.
struct Part<'a> {
    media_type: Option<&'a str>,
    body: &'a [u8],
}

impl Part<'_> {
    /// Whether the part says it is JSON (`application/json`, `…+json`).
    fn is_json(&self) -> bool {
        self.media_type.is_some_and(|t| {
            let essence = t.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case("application/json")
                || essence
                    .rsplit_once('+')
                    .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
        })
    }
}

/// Splits a letter answer (`content_type` is the answer's `Content-Type`)
/// into its JSON part and its content part. There must be exactly two parts;
/// the JSON one is the part labelled JSON when exactly one is, else the first
/// (the order the spec documents), and the content is the other.
pub(super) fn letter_parts<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
) -> Result<LetterParts<'a>, MultipartError> {
    let boundary = boundary(content_type.ok_or(MultipartError::NotMultipart)?)?;
    let parts = split(body, boundary.as_bytes())?;
    let [first, second] = <[Part<'a>; 2]>::try_from(parts)
        .map_err(|parts| MultipartError::PartCount { found: parts.len() })?;
    let (json, content) = if second.is_json() && !first.is_json() {
        (second, first)
    } else {
        (first, second)
    };
    Ok(LetterParts {
        json: json.body,
        content: content.body,
        content_type: content.media_type,
    })
}

/// The boundary a `multipart/*` media type names (RFC 2046 §5.1.1: 1 to 70
/// of `bchars`, not ending in a space; quoted or not, as servers differ).
fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let (essence, mut params) = content_type.split_once(';').unwrap_or((content_type, ""));
    let is_multipart = essence
        .trim()
        .split_once('/')
        .is_some_and(|(kind, sub)| kind.eq_ignore_ascii_case("multipart") && !sub.is_empty());
    if !is_multipart {
        return Err(MultipartError::NotMultipart);
    }
    loop {
        params = params.trim_start_matches([' ', '\t', ';']);
        if params.is_empty() {
            return Err(MultipartError::BadBoundary);
        }
        let (name, rest) = params.split_once('=').ok_or(MultipartError::BadBoundary)?;
        let (value, rest) = param_value(rest.trim_start())?;
        if name.trim().eq_ignore_ascii_case("boundary") {
            return valid_boundary(value);
        }
        params = rest;
    }
}

/// A parameter's value (a quoted string, unescaped, or a bare token) and what
/// follows it.
fn param_value(text: &str) -> Result<(String, &str), MultipartError> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([';', ' ', '\t']).unwrap_or(text.len());
        let (value, rest) = text.split_at(end);
        return Ok((value.to_owned(), rest));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, quoted.get(i + 1..).unwrap_or_default())),
            '\\' => value.push(chars.next().ok_or(MultipartError::BadBoundary)?.1),
            c => value.push(c),
        }
    }
    Err(MultipartError::BadBoundary)
}

fn valid_boundary(value: String) -> Result<String, MultipartError> {
    let bchar = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
    if (1..=70).contains(&value.len()) && value.chars().all(bchar) && !value.ends_with(' ') {
        Ok(value)
    } else {
        Err(MultipartError::BadBoundary)
    }
}

/// The parts of `body` between the delimiters `--boundary` (RFC 2046 §5.1.1).
/// The preamble before the first delimiter and the epilogue after the closing
/// one are ignored. Every delimiter but a first one at the very start follows
/// a CRLF, which belongs to it, not to the part before.
fn split<'a>(body: &'a [u8], boundary: &[u8]) -> Result<Vec<Part<'a>>, MultipartError> {
    let mut delimiter = Vec::with_capacity(boundary.len() + 4);
    delimiter.extend_from_slice(b"\r\n--");
    delimiter.extend_from_slice(boundary);
    let finder = memchr::memmem::Finder::new(&delimiter);
    // Where the first delimiter's `--` starts.
    let mut at = if body.starts_with(&delimiter[2..]) {
        0
    } else {
        finder.find(body).ok_or(MultipartError::NoDelimiter)? + 2
    };
    let mut parts = Vec::new();
    loop {
        let after = body
            .get(at + delimiter.len() - 2..)
            .ok_or(MultipartError::Unterminated)?;
        if after.starts_with(b"--") {
            return Ok(parts); // the closing delimiter
        }
        // Transport padding, then the line break that ends the delimiter.
        let padding = after
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let after = &after[padding..];
        // Cut within the delimiter's own ending (`-` of `--`, or `\r`).
        if (padding == 0 && after == b"-") || b"\r\n".starts_with(after) {
            return Err(MultipartError::Unterminated);
        }
        let part_start = after
            .strip_prefix(b"\r\n")
            .ok_or(MultipartError::BadDelimiter)?;
        let end = finder
            .find(part_start)
            .ok_or(MultipartError::Unterminated)?;
        let number = parts.len() + 1;
        if number >= MAX_PARTS {
            return Err(MultipartError::PartCount { found: number });
        }
        parts.push(part(&part_start[..end], number)?);
        // The next delimiter's `--`, as an offset into `body`.
        at = body.len() - part_start.len() + end + 2;
    }
}

/// A part's headers (up to a blank line) and body. Only `Content-Type` and
/// `Content-Transfer-Encoding` matter; `Content-ID` and the others are read
/// and left.
fn part(raw: &[u8], number: usize) -> Result<Part<'_>, MultipartError> {
    let bad = MultipartError::BadHeaders { part: number };
    // No headers at all: the blank line comes first.
    if let Some(body) = raw.strip_prefix(b"\r\n") {
        return Ok(Part {
            media_type: None,
            body,
        });
    }
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let (length, headers) = match httparse::parse_headers(raw, &mut headers) {
        Ok(httparse::Status::Complete(parsed)) => parsed,
        Ok(httparse::Status::Partial) | Err(_) => return Err(bad),
    };
    let mut media_type = None;
    for header in headers.iter() {
        let value = || {
            std::str::from_utf8(header.value)
                .map(str::trim)
                .map_err(|_| bad)
        };
        if header.name.eq_ignore_ascii_case("content-type") {
            media_type = Some(value()?);
        } else if header
            .name
            .eq_ignore_ascii_case("content-transfer-encoding")
        {
            let encoding = value()?;
            if !["binary", "8bit", "7bit"]
                .iter()
                .any(|known| encoding.eq_ignore_ascii_case(known))
            {
                return Err(MultipartError::UnsupportedEncoding { part: number });
            }
        }
    }
    Ok(Part {
        media_type,
        body: raw.get(length..).unwrap_or_default(),
    })
}
