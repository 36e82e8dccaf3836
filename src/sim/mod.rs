//! The workshop's sales data generator (the "Streaming Synthetic Sales Data
//! Simulator"): product, purchase and restock messages with the original's
//! probabilities and byte-for-byte JSON layout. Pure and seedable: no I/O, no
//! clock (the caller passes the time). Must not depend on the client or broker.

mod json;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use json::{format_timestamp, py_float};

/// The catalog the original ships (27 smoothies).
const EMBEDDED_CATALOG: &str = include_str!("products.csv");

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub category: String,
    pub item: String,
    pub size: String,
    pub cogs: f64,
    pub price: f64,
    pub inventory: i64,
    pub contains_fruit: bool,
    pub contains_veggies: bool,
    pub contains_nuts: bool,
    pub contains_caffeine: bool,
    /// `_RangeWeight`: the propensity-to-buy scale position.
    pub range_weight: i64,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub products: Vec<Product>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("catalog line {line}: {reason}")]
    Bad { line: usize, reason: String },
    #[error("the catalog has no products")]
    Empty,
}

impl Catalog {
    pub fn embedded() -> Catalog {
        Catalog::parse(EMBEDDED_CATALOG).expect("the embedded catalog is valid")
    }

    /// Parse the original's CSV layout (header line, then one product per line).
    pub fn parse(csv: &str) -> Result<Catalog, CatalogError> {
        let mut products = Vec::new();
        for (i, line) in csv.lines().enumerate().skip(1) {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            let bad = |reason: &str| CatalogError::Bad {
                line: i + 1,
                reason: reason.to_string(),
            };
            if f.len() < 15 {
                return Err(bad("expected 15 columns"));
            }
            let num = |s: &str, what: &str| s.trim().parse::<f64>().map_err(|_| bad(what));
            let int = |s: &str, what: &str| s.trim().parse::<i64>().map_err(|_| bad(what));
            let flag = |s: &str| s.trim().eq_ignore_ascii_case("true");
            products.push(Product {
                id: f[0].to_string(),
                category: f[1].to_string(),
                item: f[2].to_string(),
                size: f[3].to_string(),
                cogs: num(f[4], "COGS is not a number")?,
                price: num(f[5], "Price is not a number")?,
                inventory: int(f[6], "Inventory is not an integer")?,
                contains_fruit: flag(f[7]),
                contains_veggies: flag(f[8]),
                contains_nuts: flag(f[9]),
                contains_caffeine: flag(f[10]),
                range_weight: int(f[14], "_RangeWeight is not an integer")?,
            });
        }
        if products.is_empty() {
            return Err(CatalogError::Empty);
        }
        Ok(Catalog { products })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    Products,
    Purchases,
    Inventories,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMessage {
    pub stream: Stream,
    pub key: String,
    pub value: String,
}

/// The original's knobs, with its defaults.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub min_sale_freq: u64,
    pub max_sale_freq: u64,
    /// out of 20: chance of a one-item transaction
    pub transaction_quantity_one_item_freq: u32,
    /// out of 30: chance of quantity 1
    pub item_quantity_one_freq: u32,
    /// out of 10: chance of a club member
    pub member_freq: u32,
    pub club_member_discount: f64,
    /// out of 10: supplement chance for SF*/SC*
    pub add_supp_freq_group1: u32,
    /// out of 10: supplement chance for CS*/IS*
    pub add_supp_freq_group2: u32,
    pub supplements_cost: f64,
    pub min_inventory: i64,
    pub restock_amount: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            min_sale_freq: 2,
            max_sale_freq: 5,
            transaction_quantity_one_item_freq: 13,
            item_quantity_one_freq: 24,
            member_freq: 3,
            club_member_discount: 0.10,
            add_supp_freq_group1: 5,
            add_supp_freq_group2: 2,
            supplements_cost: 1.99,
            min_inventory: 10,
            restock_amount: 15,
        }
    }
}

pub struct Simulator {
    catalog: Catalog,
    config: SimConfig,
    rng: StdRng,
    stock: Vec<i64>,
    /// Sorted propensity scale (the catalog's range weights).
    scale: Vec<(i64, usize)>,
}

/// Round to two decimals as the original does (`round(x, 2)` on an f64).
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Simulator {
    pub fn new(catalog: Catalog, config: SimConfig, seed: Option<u64>) -> Simulator {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_entropy(),
        };
        let stock = catalog.products.iter().map(|p| p.inventory).collect();
        let mut scale: Vec<(i64, usize)> = catalog
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.range_weight, i))
            .collect();
        scale.sort();
        Simulator {
            catalog,
            config,
            rng,
            stock,
            scale,
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The start-up product listing, one message per product in catalog order.
    pub fn product_messages(&mut self, now_unix_micros: i64) -> Vec<SimMessage> {
        let ts = format_timestamp(now_unix_micros);
        self.catalog
            .products
            .iter()
            .map(|p| SimMessage {
                stream: Stream::Products,
                key: p.id.clone(),
                value: json::product(p, &ts),
            })
            .collect()
    }

    /// Draw a product: a point on the propensity scale, then the closest weight
    /// (the lower one on a tie).
    fn pick_product(&mut self) -> usize {
        let lo = self.scale.first().map_or(0, |s| s.0);
        let hi = self.scale.last().map_or(0, |s| s.0);
        let k = self.rng.gen_range(lo..=hi);
        let mut best = self.scale[0];
        for &(w, i) in &self.scale {
            if (w - k).abs() < (best.0 - k).abs() {
                best = (w, i);
            }
        }
        best.1
    }

    fn quantity(&mut self) -> i64 {
        let r = self.rng.gen_range(1..=30u32);
        if r == 30 {
            3
        } else if r <= self.config.item_quantity_one_freq {
            1
        } else {
            2
        }
    }

    /// One transaction: its purchase line items, each followed by the restock it
    /// triggers, in publish order.
    pub fn next_transaction(&mut self, now_unix_micros: i64) -> Vec<SimMessage> {
        let ts = format_timestamp(now_unix_micros);
        let transaction_id = (self.rng.gen::<u64>() >> 1).to_string();
        let is_member = self.rng.gen_range(1..=10u32) <= self.config.member_freq;
        let discount = if is_member {
            self.config.club_member_discount
        } else {
            0.0
        };
        let r = self.rng.gen_range(1..=20u32);
        let items = if r <= self.config.transaction_quantity_one_item_freq {
            1
        } else if r < 19 {
            2
        } else {
            3
        };
        let mut out = Vec::with_capacity(items + 1);
        for _ in 0..items {
            let idx = self.pick_product();
            let (id, price) = {
                let p = &self.catalog.products[idx];
                (p.id.clone(), p.price)
            };
            let group1 = id.starts_with("SF") || id.starts_with("SC");
            let freq = if group1 {
                self.config.add_supp_freq_group1
            } else {
                self.config.add_supp_freq_group2
            };
            let add_supplements = self.rng.gen_range(1..=10u32) <= freq;
            let supplement_price = if add_supplements {
                self.config.supplements_cost
            } else {
                0.0
            };
            let quantity = self.quantity();
            // The original draws the quantity again for the stock decrement.
            let sold = self.quantity();
            let total = round2(round2_input(quantity, price, supplement_price, discount));
            out.push(SimMessage {
                stream: Stream::Purchases,
                key: id.clone(),
                value: json::purchase(&json::Purchase {
                    transaction_time: &ts,
                    transaction_id: &transaction_id,
                    product_id: &id,
                    price,
                    quantity,
                    is_member,
                    member_discount: discount,
                    add_supplements,
                    supplement_price,
                    total_purchase: total,
                }),
            });
            self.stock[idx] -= sold;
            if self.stock[idx] <= self.config.min_inventory {
                let existing = self.stock[idx];
                let new_level = existing + self.config.restock_amount;
                self.stock[idx] = new_level;
                out.push(SimMessage {
                    stream: Stream::Inventories,
                    key: id.clone(),
                    value: json::inventory(
                        &ts,
                        &id,
                        existing,
                        self.config.restock_amount,
                        new_level,
                    ),
                });
            }
        }
        out
    }

    /// Seconds to pause after a transaction.
    pub fn next_pause_secs(&mut self) -> u64 {
        let lo = self.config.min_sale_freq.min(self.config.max_sale_freq);
        let hi = self.config.max_sale_freq.max(lo);
        self.rng.gen_range(lo..=hi)
    }
}

/// quantity × (price + supplement) × (1 − discount), in this order (f64).
fn round2_input(quantity: i64, price: f64, supplement: f64, discount: f64) -> f64 {
    quantity as f64 * (price + supplement) * (1.0 - discount)
}

#[cfg(test)]
mod tests;
