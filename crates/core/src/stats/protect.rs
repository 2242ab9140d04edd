//! Disclosure control for linked tables of counts.
//!
//! The tables of a report are turned into one linear system: every published figure is
//! a variable (a figure shown in two tables, such as a shared total, is one variable) and
//! every total is an equation `total = part + part + ...`. Then:
//!
//! 1. **Primary suppression.** A count in `1..k` (below its threshold `k`) is hidden.
//!    Zeros are not sensitive.
//! 2. **Secondary suppression by Gaussian elimination** (the method of Statistics
//!    Norway's `GaussSuppression`, Langsrud 2024). The other figures are offered for
//!    publication one by one, totals first, then zeros, then larger counts before smaller
//!    ones. A figure is published unless, together with the equations and everything
//!    already published, it would make a hidden small count a linear combination of known
//!    numbers, i.e. computable. Then it is hidden too. The test is exact: it is done over
//!    the integers modulo the prime 2^61 − 1, so no rounding decides anything.
//! 3. **Audit by linear programming.** Linear algebra does not know that counts are never
//!    negative; a reader who does can sometimes narrow a hidden count to a small range.
//!    For every hidden small count the audit computes the smallest and largest value
//!    consistent with everything published (two linear programs). The count counts as
//!    protected when that range reaches 0 (the group may not exist) or the threshold (the
//!    group may not be small). If not, one more figure of its equations is hidden and
//!    steps 2–3 run again.
//!
//! The variables fall apart into independent groups (tables that share no figure); each
//! group is protected on its own.

use std::collections::HashMap;

/// One published figure (a cell, or a cell shared by several tables).
#[derive(Debug, Clone)]
struct Var {
    value: u64,
    /// Counts in `1..threshold` are primary-sensitive; 0 = never sensitive.
    threshold: u32,
    /// The total of some equation (offered for publication first).
    total: bool,
}

/// A linear system of counts to protect, built table by table.
#[derive(Debug, Default, Clone)]
pub struct Problem {
    vars: Vec<Var>,
    keys: HashMap<String, usize>,
    /// `(total, parts)`: `total = Σ parts`.
    equations: Vec<(usize, Vec<usize>)>,
}

/// Why a figure is hidden. Kept for the exporter's own view; exports show one symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// A count below the threshold.
    Primary,
    /// Hidden so that a small count cannot be worked out from the others.
    Secondary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub status: Vec<Option<Suppression>>,
}

impl Protected {
    pub fn suppressed(&self, var: usize) -> Option<Suppression> {
        self.status.get(var).copied().flatten()
    }
}

impl Problem {
    /// A figure; `key` joins it with the figure of the same key in another table.
    /// Returns its variable index.
    pub fn var(&mut self, key: Option<&str>, value: u64, threshold: u32) -> usize {
        if let Some(k) = key
            && let Some(&i) = self.keys.get(k)
        {
            debug_assert_eq!(self.vars[i].value, value, "shared figure {k} differs between tables");
            // The stricter threshold wins for a shared figure.
            self.vars[i].threshold = self.vars[i].threshold.max(threshold);
            return i;
        }
        self.vars.push(Var { value, threshold, total: false });
        let i = self.vars.len() - 1;
        if let Some(k) = key {
            self.keys.insert(k.to_owned(), i);
        }
        i
    }

    /// `total = Σ parts`.
    pub fn equation(&mut self, total: usize, parts: Vec<usize>) {
        debug_assert_eq!(
            self.vars[total].value,
            parts.iter().map(|&p| self.vars[p].value).sum::<u64>(),
            "a total that does not add up"
        );
        self.vars[total].total = true;
        self.equations.push((total, parts));
    }

    pub fn len(&self) -> usize {
        self.vars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    pub fn value(&self, var: usize) -> u64 {
        self.vars[var].value
    }

    fn is_primary(&self, var: usize) -> bool {
        let v = &self.vars[var];
        v.value >= 1 && v.value < u64::from(v.threshold)
    }

    /// Suppress: primary, then secondary until the audit passes.
    pub fn protect(&self) -> Protected {
        let mut status = vec![None; self.vars.len()];
        for (group_vars, group_eqs) in self.groups() {
            let primaries: Vec<usize> = group_vars.iter().copied().filter(|&v| self.is_primary(v)).collect();
            if primaries.is_empty() {
                continue;
            }
            let mut forced: Vec<usize> = Vec::new();
            let hidden = loop {
                let hidden = self.gauss(&group_vars, &group_eqs, &primaries, &forced);
                match self.audit(&group_vars, &group_eqs, &primaries, &hidden) {
                    Audit::Protected => break hidden,
                    Audit::Weak(p) => match self.widen(&group_eqs, p, &hidden) {
                        Some(extra) => forced.push(extra),
                        None => break self.hide_all(&group_vars),
                    },
                    // The solver gave no answer: hide every figure of the group but zeros.
                    Audit::Failed => break self.hide_all(&group_vars),
                }
            };
            for v in hidden {
                status[v] =
                    Some(if self.is_primary(v) { Suppression::Primary } else { Suppression::Secondary });
            }
        }
        Protected { status }
    }

    fn hide_all(&self, group: &[usize]) -> Vec<usize> {
        group.iter().copied().filter(|&v| self.vars[v].value > 0).collect()
    }

    /// Connected groups of variables (through equations), with their equations.
    fn groups(&self) -> Vec<(Vec<usize>, Vec<usize>)> {
        let n = self.vars.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for (total, parts) in &self.equations {
            for &p in parts {
                let (a, b) = (find(&mut parent, *total), find(&mut parent, p));
                if a != b {
                    parent[a] = b;
                }
            }
        }
        let mut index: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for v in 0..n {
            let root = find(&mut parent, v);
            let g = *index.entry(root).or_insert_with(|| {
                groups.push((Vec::new(), Vec::new()));
                groups.len() - 1
            });
            groups[g].0.push(v);
        }
        for (e, (total, _)) in self.equations.iter().enumerate() {
            let root = find(&mut parent, *total);
            if let Some(&g) = index.get(&root) {
                groups[g].1.push(e);
            }
        }
        groups
    }

    /// Step 2: the hidden figures of a group (primaries, forced ones, and the secondary
    /// ones Gaussian elimination asks for).
    fn gauss(&self, group: &[usize], eqs: &[usize], primaries: &[usize], forced: &[usize]) -> Vec<usize> {
        let local: HashMap<usize, usize> = group.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let dim = group.len();
        let mut space = Span::new(dim);
        for &e in eqs {
            let (total, parts) = &self.equations[e];
            let mut row = vec![0u64; dim];
            row[local[total]] = 1;
            for p in parts {
                row[local[p]] = gf::sub(row[local[p]], 1);
            }
            space.insert(row);
        }
        // Each hidden small count, reduced modulo what is known so far.
        for &p in primaries {
            space.watch(unit(dim, local[&p]));
        }
        let mut hidden: Vec<usize> = primaries.to_vec();
        hidden.extend(forced.iter().copied().filter(|f| !primaries.contains(f)));
        let mut candidates: Vec<usize> = group.iter().copied().filter(|v| !hidden.contains(v)).collect();
        // Publication preference: totals, then zeros, then larger counts first.
        candidates.sort_by_key(|&v| {
            let var = &self.vars[v];
            let class = if var.total {
                0
            } else if var.value == 0 {
                1
            } else {
                2
            };
            (class, std::cmp::Reverse(var.value), v)
        });
        for c in candidates {
            // A published zero total tells a reader that each of its parts is zero too
            // (counts are never negative): publish it only if that knowledge is safe.
            let zeros = self.zero_parts(c);
            let published = if zeros.is_empty() {
                space.try_publish(unit(dim, local[&c]))
            } else {
                let mut trial = space.clone();
                let safe = std::iter::once(c)
                    .chain(zeros)
                    .all(|v| local.get(&v).is_some_and(|&i| trial.try_publish(unit(dim, i))));
                if safe {
                    space = trial;
                }
                safe
            };
            if !published {
                hidden.push(c);
            }
        }
        hidden.sort_unstable();
        hidden
    }

    /// The figures a published zero total makes known: its parts, and theirs.
    fn zero_parts(&self, var: usize) -> Vec<usize> {
        let mut out = Vec::new();
        if self.vars[var].value != 0 {
            return out;
        }
        let mut todo = vec![var];
        while let Some(t) = todo.pop() {
            for (total, parts) in &self.equations {
                if *total == t {
                    for &p in parts {
                        if !out.contains(&p) && p != var {
                            out.push(p);
                            todo.push(p);
                        }
                    }
                }
            }
        }
        out
    }

    /// Step 3: is every hidden small count's range wide enough?
    fn audit(&self, group: &[usize], eqs: &[usize], primaries: &[usize], hidden: &[usize]) -> Audit {
        let bounds = match interval_bounds(self, group, eqs, primaries, hidden) {
            Some(b) => b,
            None => return Audit::Failed,
        };
        for (p, (lo, hi)) in primaries.iter().zip(bounds) {
            let k = f64::from(self.vars[*p].threshold);
            if !(lo <= 0.5 || hi >= k - 0.5) {
                return Audit::Weak(*p);
            }
        }
        Audit::Protected
    }

    /// One more figure to hide for a weakly protected count `p`: the smallest positive
    /// published part or total of an equation it is in (or, failing that, of any equation
    /// with a hidden figure).
    fn widen(&self, eqs: &[usize], p: usize, hidden: &[usize]) -> Option<usize> {
        let members = |e: usize| {
            let (t, parts) = &self.equations[e];
            std::iter::once(*t).chain(parts.iter().copied())
        };
        let pick = |touching: &dyn Fn(usize) -> bool| {
            eqs.iter()
                .copied()
                .filter(|&e| members(e).any(touching))
                .flat_map(members)
                .filter(|v| !hidden.contains(v) && self.vars[*v].value > 0)
                .min_by_key(|&v| (self.vars[v].total, self.vars[v].value, v))
        };
        pick(&|v| v == p).or_else(|| pick(&|v| hidden.contains(&v)))
    }
}

enum Audit {
    Protected,
    Weak(usize),
    Failed,
}

fn unit(dim: usize, i: usize) -> Vec<u64> {
    let mut v = vec![0u64; dim];
    v[i] = 1;
    v
}

/// The smallest and largest value of each primary consistent with the published figures
/// and non-negative counts (`f64::INFINITY` when unbounded). `None` if the solver fails.
pub(crate) fn interval_bounds(
    problem: &Problem,
    group: &[usize],
    eqs: &[usize],
    primaries: &[usize],
    hidden: &[usize],
) -> Option<Vec<(f64, f64)>> {
    use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp};
    let _ = group;
    let mut out = Vec::with_capacity(primaries.len());
    for &p in primaries {
        let mut range = (0.0, f64::INFINITY);
        for direction in [OptimizationDirection::Minimize, OptimizationDirection::Maximize] {
            let mut lp = Lp::new(direction);
            let vars: HashMap<usize, microlp::Variable> = hidden
                .iter()
                .map(|&h| (h, lp.add_var(if h == p { 1.0 } else { 0.0 }, (0.0, f64::INFINITY))))
                .collect();
            for &e in eqs {
                let (total, parts) = &problem.equations[e];
                let mut terms: Vec<(microlp::Variable, f64)> = Vec::new();
                let mut rhs = 0.0;
                for (v, coef) in std::iter::once((*total, 1.0)).chain(parts.iter().map(|&q| (q, -1.0))) {
                    match vars.get(&v) {
                        Some(&x) => terms.push((x, coef)),
                        None => rhs -= coef * problem.vars[v].value as f64,
                    }
                }
                if !terms.is_empty() {
                    lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, rhs);
                }
            }
            let solved = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lp.solve()));
            match solved {
                Ok(Ok(outcome)) => {
                    let value = outcome.into_solution().ok()?.objective();
                    match direction {
                        OptimizationDirection::Minimize => range.0 = value,
                        OptimizationDirection::Maximize => range.1 = value,
                    }
                }
                Ok(Err(microlp::Error::Unbounded)) if direction == OptimizationDirection::Maximize => {}
                _ => return None,
            }
        }
        out.push(range);
    }
    Some(out)
}

/// Exact arithmetic modulo the Mersenne prime 2^61 − 1.
mod gf {
    pub const P: u64 = (1 << 61) - 1;

    pub fn sub(a: u64, b: u64) -> u64 {
        (a + P - b) % P
    }
    pub fn mul(a: u64, b: u64) -> u64 {
        ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
    }
    pub fn inv(a: u64) -> u64 {
        // Fermat: a^(P-2).
        let (mut base, mut exp, mut acc) = (a, P - 2, 1u64);
        while exp > 0 {
            if exp & 1 == 1 {
                acc = mul(acc, base);
            }
            base = mul(base, base);
            exp >>= 1;
        }
        acc
    }
}

#[derive(Clone)]
/// The span of what a reader knows, kept in reduced row echelon form, and the hidden
/// counts it must never reach (each reduced modulo that span).
struct Span {
    dim: usize,
    /// `(pivot, row)` with `row[pivot] = 1` and 0 at every other row's pivot.
    rows: Vec<(usize, Vec<u64>)>,
    watched: Vec<Vec<u64>>,
}

impl Span {
    fn new(dim: usize) -> Self {
        Span { dim, rows: Vec::new(), watched: Vec::new() }
    }

    fn reduce(&self, mut v: Vec<u64>) -> Vec<u64> {
        for (pivot, row) in &self.rows {
            let f = v[*pivot];
            if f != 0 {
                for (x, r) in v.iter_mut().zip(row) {
                    if *r != 0 {
                        *x = gf::sub(*x, gf::mul(f, *r));
                    }
                }
            }
        }
        v
    }

    /// Add a vector (already reduced or not); false if it was in the span already.
    fn insert(&mut self, v: Vec<u64>) -> bool {
        let v = self.reduce(v);
        let Some(pivot) = v.iter().position(|&x| x != 0) else {
            return false;
        };
        let scale = gf::inv(v[pivot]);
        let v: Vec<u64> = v.into_iter().map(|x| gf::mul(x, scale)).collect();
        let eliminate = |w: &mut Vec<u64>| {
            let f = w[pivot];
            if f != 0 {
                for (x, r) in w.iter_mut().zip(&v) {
                    if *r != 0 {
                        *x = gf::sub(*x, gf::mul(f, *r));
                    }
                }
            }
        };
        for (_, row) in &mut self.rows {
            eliminate(row);
        }
        for w in &mut self.watched {
            eliminate(w);
        }
        self.rows.push((pivot, v));
        true
    }

    fn watch(&mut self, v: Vec<u64>) {
        let v = self.reduce(v);
        self.watched.push(v);
    }

    /// Publish `v` unless it would bring a watched vector into the span.
    fn try_publish(&mut self, v: Vec<u64>) -> bool {
        debug_assert_eq!(v.len(), self.dim);
        let r = self.reduce(v);
        let Some(pivot) = r.iter().position(|&x| x != 0) else {
            return true; // known already
        };
        // w lies in span + r iff w (reduced) is a multiple of r.
        let inv = gf::inv(r[pivot]);
        let reaches = self.watched.iter().any(|w| {
            let alpha = gf::mul(w[pivot], inv);
            w.iter().zip(&r).all(|(x, y)| *x == gf::mul(alpha, *y))
        });
        if reaches {
            return false;
        }
        self.insert(r);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with row and column totals; returns the variables row-major with totals
    /// last (the last row and column).
    fn table(p: &mut Problem, values: &[&[u64]], k: u32, prefix: &str) -> Vec<Vec<usize>> {
        let rows = values.len();
        let cols = values[0].len();
        let mut grid: Vec<Vec<usize>> = Vec::new();
        for row in values {
            let mut r: Vec<usize> = row.iter().map(|&v| p.var(None, v, k)).collect();
            let total = p.var(None, row.iter().sum(), k);
            p.equation(total, r.clone());
            r.push(total);
            grid.push(r);
        }
        let mut bottom = Vec::new();
        for c in 0..=cols {
            let sum: u64 = grid.iter().map(|r| p.value(r[c])).sum();
            let key = (c == cols).then(|| format!("{prefix}:total"));
            let t = p.var(key.as_deref(), sum, k);
            p.equation(t, grid.iter().map(|r| r[c]).collect());
            bottom.push(t);
        }
        let _ = rows;
        grid.push(bottom);
        grid
    }

    #[test]
    fn a_lone_small_count_takes_a_partner_in_its_row_and_column() {
        let mut p = Problem::default();
        let g = table(&mut p, &[&[20, 3, 30], &[25, 40, 35], &[50, 60, 45]], 5, "t");
        let out = p.protect();
        assert_eq!(out.suppressed(g[0][1]), Some(Suppression::Primary));
        let hidden_row0 = (0..3).filter(|&c| out.suppressed(g[0][c]).is_some()).count();
        let hidden_col1 = (0..3).filter(|&r| out.suppressed(g[r][1]).is_some()).count();
        assert!(hidden_row0 >= 2 && hidden_col1 >= 2, "{out:?}");
        // Totals stay published.
        assert!(g[3].iter().all(|&t| out.suppressed(t).is_none()));
        assert!(g.iter().all(|r| out.suppressed(r[3]).is_none()));
    }

    #[test]
    fn nothing_is_hidden_without_small_counts_and_zeros_are_not_sensitive() {
        let mut p = Problem::default();
        let g = table(&mut p, &[&[0, 12], &[7, 0]], 5, "t");
        let out = p.protect();
        assert!(g.iter().flatten().all(|&v| out.suppressed(v).is_none()));
    }

    #[test]
    fn a_total_equal_to_its_only_small_part_is_hidden_or_the_part_is_covered() {
        // Row [2, 0 | 2]: publishing the zero and the total gives the 2 away.
        let mut p = Problem::default();
        let g = table(&mut p, &[&[2, 0], &[30, 40]], 5, "t");
        let out = p.protect();
        let published = |v: usize| out.suppressed(v).is_none();
        assert!(!published(g[0][0]));
        assert!(!(published(g[0][1]) && published(g[0][2])), "{out:?}");
    }

    #[test]
    fn gaussian_elimination_is_exact_modulo_the_prime() {
        assert_eq!(gf::mul(gf::inv(12345), 12345), 1);
        assert_eq!(gf::sub(0, 1), gf::P - 1);
        assert_eq!(gf::sub(gf::P - 1, gf::P - 1), 0);
    }
}
