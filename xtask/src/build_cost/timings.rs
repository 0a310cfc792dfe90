//! Reading cargo's `--timings` report (`cargo-timing.html`): the units it
//! lists, their start and duration, and the build's wall time.
//!
//! The report embeds the units as JSON after `const UNIT_DATA = `; this
//! module reads that array (serde_json) and nothing else of the page.

use serde::Deserialize;

/// One unit of the build (a crate's target, or a build script's run).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unit {
    /// The package name (`accuro-client`).
    pub name: String,
    /// When it started, in seconds from the start of the build.
    pub start: f64,
    /// How long it took, in seconds.
    pub duration: f64,
    /// The target (empty for a library, ` build script` and so on).
    #[serde(default)]
    pub target: String,
}

/// The units of one build, as the report lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timings {
    /// Every unit.
    pub units: Vec<Unit>,
}

impl Timings {
    /// Reads the units out of the report's HTML.
    pub fn parse(html: &str) -> Result<Self, String> {
        const MARK: &str = "const UNIT_DATA = ";
        let at = html
            .find(MARK)
            .ok_or("the timing report has no `UNIT_DATA`: a cargo that writes another format")?;
        let rest = &html[at + MARK.len()..];
        let end = rest
            .find("];")
            .ok_or("the timing report's `UNIT_DATA` does not end")?;
        let units: Vec<Unit> = serde_json::from_str(&rest[..=end]).map_err(|e| {
            format!("the timing report's `UNIT_DATA` is not the JSON expected: {e}")
        })?;
        if units.is_empty() {
            return Err("the timing report lists no unit".into());
        }
        Ok(Self { units })
    }

    /// The build's wall time: from its start to the end of its last unit.
    pub fn wall(&self) -> f64 {
        self.units
            .iter()
            .map(|u| u.start + u.duration)
            .fold(0.0, f64::max)
    }

    /// The time of every unit of the package `name`, added up.
    pub fn own_time(&self, name: &str) -> f64 {
        self.units
            .iter()
            .filter(|u| u.name == name)
            .map(|u| u.duration)
            .sum()
    }

    /// When the first unit of `name` started.
    pub fn start_of(&self, name: &str) -> Option<f64> {
        self.units
            .iter()
            .filter(|u| u.name == name)
            .map(|u| u.start)
            .reduce(f64::min)
    }

    /// The `n` longest units, longest first.
    pub fn longest(&self, n: usize) -> Vec<&Unit> {
        let mut units: Vec<&Unit> = self.units.iter().collect();
        units.sort_by(|a, b| b.duration.total_cmp(&a.duration));
        units.truncate(n);
        units
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"<html><script>
const UNIT_DATA = [
  {"i": 1, "name": "serde", "version": "1.0.0", "mode": "todo", "target": "", "features": [],
   "start": 0.0, "duration": 4.5, "unblocked_units": [], "unblocked_rmeta_units": [], "sections": null},
  {"i": 2, "name": "accuro-client", "version": "0.1.0", "mode": "todo", "target": "", "features": [],
   "start": 40.25, "duration": 12.5, "unblocked_units": [], "unblocked_rmeta_units": [], "sections": null},
  {"i": 3, "name": "app", "version": "0.1.0", "mode": "todo", "target": " bin \"app\"", "features": [],
   "start": 52.75, "duration": 1.0, "unblocked_units": [], "unblocked_rmeta_units": [], "sections": null}
];
const CONCURRENCY_DATA = [];
</script></html>"#;

    #[test]
    fn reads_units_wall_time_and_a_crates_share() {
        let t = Timings::parse(REPORT).unwrap();
        assert_eq!(t.units.len(), 3);
        assert_eq!(t.wall(), 53.75);
        assert_eq!(t.own_time("accuro-client"), 12.5);
        assert_eq!(t.start_of("accuro-client"), Some(40.25));
        assert_eq!(t.start_of("missing"), None);
        assert_eq!(t.longest(1)[0].name, "accuro-client");
    }

    #[test]
    fn a_page_without_units_is_an_error() {
        assert!(Timings::parse("<html></html>").is_err());
        assert!(Timings::parse("const UNIT_DATA = [];").is_err());
        assert!(Timings::parse("const UNIT_DATA = [{\"name\": 1}];").is_err());
    }
}
