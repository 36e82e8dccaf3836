//! The subject of an X.509 certificate as Kafka names a TLS client: the
//! distinguished name in RFC 2253 form, last RDN first (`CN=client,OU=eng,O=kw`),
//! as Java's `X500Principal.getName()` prints it. A small DER reader: every length
//! is checked against the bytes really there, and anything unexpected gives None
//! (the certificate has already been verified by rustls; this only names it).

/// One DER element: its tag, its content, and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// Every element of a constructed value's content.
fn elements(mut content: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tag, value, rest) = element(content)?;
        out.push((tag, value));
        content = rest;
    }
    Some(out)
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

fn oid_text(bytes: &[u8]) -> Option<String> {
    let (&first, rest) = bytes.split_first()?;
    let mut parts = vec![
        (first / 40).min(2) as u64,
        (first as u64) - 40 * (first / 40).min(2) as u64,
    ];
    let mut acc: u64 = 0;
    for &b in rest {
        acc = acc.checked_mul(128)? | (b & 0x7f) as u64;
        if b & 0x80 == 0 {
            parts.push(acc);
            acc = 0;
        }
    }
    Some(
        parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// The keywords Java prints for RFC 2253 names; other types print as their OID.
fn keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// A string value's text, for the string types certificates use.
fn string_value(tag: u8, bytes: &[u8]) -> Option<String> {
    match tag {
        // UTF8String, PrintableString, IA5String, TeletexString (read as Latin-1).
        0x0c | 0x13 | 0x16 => std::str::from_utf8(bytes).ok().map(String::from),
        0x14 => Some(bytes.iter().map(|b| *b as char).collect()),
        // BMPString: UTF-16 big-endian.
        0x1e if bytes.len().is_multiple_of(2) => String::from_utf16(
            &bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .ok(),
        _ => None,
    }
}

/// An attribute value as Java's `X500Principal.getName()` (RFC 2253) writes it,
/// which is the principal Kafka matches ACLs and super.users against: each of
/// `,=+<>#;"\` escaped wherever it is, NUL as `\00`, and every leading and trailing
/// space (or CR) escaped.
fn escape(value: &str) -> String {
    let mut escaped: Vec<(bool, char)> = Vec::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ',' | '=' | '+' | '<' | '>' | '#' | ';' | '"' | '\\' => escaped.push((true, c)),
            '\0' => {
                escaped.push((true, '0'));
                escaped.push((false, '0'));
            }
            _ => escaped.push((false, c)),
        }
    }
    let blank = |(e, c): &(bool, char)| !e && (*c == ' ' || *c == '\r');
    let lead = escaped.iter().take_while(|x| blank(x)).count();
    let trail = escaped.iter().rev().take_while(|x| blank(x)).count();
    let mut out = String::with_capacity(value.len() + 8);
    let n = escaped.len();
    for (i, (e, c)) in escaped.into_iter().enumerate() {
        if e || i < lead || i >= n - trail {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The subject of a DER certificate in RFC 2253 form.
pub fn subject_name(cert_der: &[u8]) -> Option<String> {
    let (tag, cert, _) = element(cert_der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = element(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut fields = elements(tbs)?.into_iter();
    // [0] version (optional), serial, signature, issuer, validity, subject
    let first = fields.next()?;
    if first.0 == 0xa0 {
        let _serial = fields.next()?;
    }
    let _signature = fields.next()?;
    let _issuer = fields.next()?;
    let _validity = fields.next()?;
    let (tag, subject) = fields.next()?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rdns = Vec::new();
    for (tag, rdn) in elements(subject)? {
        if tag != SET {
            return None;
        }
        let mut attributes = Vec::new();
        for (tag, atv) in elements(rdn)? {
            if tag != SEQUENCE {
                return None;
            }
            let parts = elements(atv)?;
            let [(OID, oid), (value_tag, value)] = parts.as_slice() else {
                return None;
            };
            let oid = oid_text(oid)?;
            attributes.push(match (keyword(&oid), string_value(*value_tag, value)) {
                (Some(k), Some(v)) => format!("{k}={}", escape(&v)),
                // Java prints other types as the OID and the DER value in hex.
                _ => {
                    let mut der = vec![*value_tag];
                    der.extend(encode_len(value.len()));
                    der.extend_from_slice(value);
                    format!("{oid}=#{}", hex(&der))
                }
            });
        }
        rdns.push(attributes.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(","))
}

fn encode_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_beyond_the_input_are_refused() {
        assert_eq!(element(&[0x30, 0x05, 1, 2]), None);
        assert_eq!(element(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(element(&[0x30, 0x80]), None);
        assert_eq!(element(&[0x30]), None);
        assert_eq!(
            element(&[0x30, 0x02, 1, 2, 9]),
            Some((0x30, &[1u8, 2][..], &[9u8][..]))
        );
        assert_eq!(
            element(&[0x04, 0x81, 0x01, 7]),
            Some((0x04, &[7u8][..], &[][..]))
        );
        assert_eq!(subject_name(&[]), None);
        assert_eq!(subject_name(&[0x30, 0x03, 0x30, 0x01, 0x02]), None);
    }

    #[test]
    fn object_identifiers_print_dotted() {
        assert_eq!(oid_text(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(
            oid_text(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01]).as_deref(),
            Some("1.2.840.113549.1.9.1")
        );
    }

    #[test]
    fn values_are_escaped_as_rfc_2253_says() {
        // (value, as Java's X500Principal.getName() writes it)
        for (value, java) in [
            ("a,b+c", "a\\,b\\+c"),
            ("#x ", "\\#x\\ "),
            ("a=b#c", "a\\=b\\#c"),
            ("  two  ", "\\ \\ two\\ \\ "),
            ("q\"b\\s;<>", "q\\\"b\\\\s\\;\\<\\>"),
            ("nul\0", "nul\\00"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(escape(value), java, "{value:?}");
        }
    }
}
