//! The original's JSON text: Python's `json.dumps` defaults (`", "` and `": "`,
//! ASCII-only with `\uXXXX` escapes, floats in Python's repr) and `str(datetime)`
//! timestamps.

use std::fmt::Write;

use super::Product;

/// A float as Python prints it: shortest round-trip digits, always with a `.0`
/// for whole numbers (`0.0`, `20.2`, `4.99`).
pub fn py_float(x: f64) -> String {
    let s = format!("{x}");
    if s.contains(['.', 'e', 'E']) || !x.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

/// JSON string with Python's `ensure_ascii` escaping.
fn py_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC; like Python's `str(datetime)`, a timestamp
/// whose microseconds are zero has no fraction.
pub fn format_timestamp(unix_micros: i64) -> String {
    let secs = unix_micros.div_euclid(1_000_000);
    let micros = unix_micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    let mut s = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    );
    if micros != 0 {
        let _ = write!(s, ".{micros:06}");
    }
    s
}

struct Obj {
    s: String,
    first: bool,
}

impl Obj {
    fn new() -> Obj {
        Obj {
            s: String::with_capacity(320),
            first: true,
        }
    }
    fn key(&mut self, k: &str) {
        self.s.push_str(if self.first { "{" } else { ", " });
        self.first = false;
        py_str(k, &mut self.s);
        self.s.push_str(": ");
    }
    fn str(mut self, k: &str, v: &str) -> Obj {
        self.key(k);
        py_str(v, &mut self.s);
        self
    }
    fn float(mut self, k: &str, v: f64) -> Obj {
        self.key(k);
        self.s.push_str(&py_float(v));
        self
    }
    fn int(mut self, k: &str, v: i64) -> Obj {
        self.key(k);
        let _ = write!(self.s, "{v}");
        self
    }
    fn bool(mut self, k: &str, v: bool) -> Obj {
        self.key(k);
        self.s.push_str(if v { "true" } else { "false" });
        self
    }
    fn end(mut self) -> String {
        self.s.push('}');
        self.s
    }
}

pub fn product(p: &Product, event_time: &str) -> String {
    Obj::new()
        .str("event_time", event_time)
        .str("product_id", &p.id)
        .str("category", &p.category)
        .str("item", &p.item)
        .str("size", &p.size)
        .float("cogs", p.cogs)
        .float("price", p.price)
        .int("inventory_level", p.inventory)
        .bool("contains_fruit", p.contains_fruit)
        .bool("contains_veggies", p.contains_veggies)
        .bool("contains_nuts", p.contains_nuts)
        .bool("contains_caffeine", p.contains_caffeine)
        .int("propensity_to_buy", p.range_weight)
        .end()
}

pub struct Purchase<'a> {
    pub transaction_time: &'a str,
    pub transaction_id: &'a str,
    pub product_id: &'a str,
    pub price: f64,
    pub quantity: i64,
    pub is_member: bool,
    pub member_discount: f64,
    pub add_supplements: bool,
    pub supplement_price: f64,
    pub total_purchase: f64,
}

pub fn purchase(p: &Purchase) -> String {
    Obj::new()
        .str("transaction_time", p.transaction_time)
        .str("transaction_id", p.transaction_id)
        .str("product_id", p.product_id)
        .float("price", p.price)
        .int("quantity", p.quantity)
        .bool("is_member", p.is_member)
        .float("member_discount", p.member_discount)
        .bool("add_supplements", p.add_supplements)
        .float("supplement_price", p.supplement_price)
        .float("total_purchase", p.total_purchase)
        .end()
}

pub fn inventory(
    event_time: &str,
    product_id: &str,
    existing: i64,
    stock_quantity: i64,
    new_level: i64,
) -> String {
    Obj::new()
        .str("event_time", event_time)
        .str("product_id", product_id)
        .int("existing_level", existing)
        .int("stock_quantity", stock_quantity)
        .int("new_level", new_level)
        .end()
}
