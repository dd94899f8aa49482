//! Bar charts drawn on the server as SVG: no script, the same bytes for every viewer, and a
//! table of the same figures beside each chart for screen readers and copying.

use maud::{html, Markup, Render};

/// A horizontal bar chart.
pub struct BarChart<'a> {
    /// Id of the figure (and its caption's prefix).
    pub id: &'a str,
    /// Caption.
    pub title: &'a str,
    /// What the numbers are ("decisions", "minutes").
    pub unit: &'a str,
    /// (label, value) bars, drawn in order.
    pub bars: &'a [(String, i64)],
}

/// Height of one bar's row, in SVG units.
const ROW: i64 = 24;
/// Width given to the labels.
const LABEL: i64 = 190;
/// Width of the longest bar.
const BAR: i64 = 360;

impl Render for BarChart<'_> {
    fn render(&self) -> Markup {
        let max = self.bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
        let height = ROW * (self.bars.len() as i64).max(1) + 8;
        let width = LABEL + BAR + 70;
        html! {
            figure.chart id=(self.id) {
                figcaption { (self.title) }
                svg role="img" aria-labelledby={ (self.id) "-table" } viewBox={ "0 0 " (width) " " (height) }
                    width="100%" preserveAspectRatio="xMinYMin meet" {
                    @if self.bars.is_empty() {
                        text x="0" y="18" { "Nothing yet" }
                    }
                    @for (i, (label, value)) in self.bars.iter().enumerate() {
                        @let y = ROW * i as i64 + 4;
                        @let length = value * BAR / max;
                        text x=(LABEL - 8) y=(y + 16) text-anchor="end" { (label) }
                        @if *value > 0 {
                            rect.chart__bar x=(LABEL) y=(y + 2) width=(length.max(1)) height=(ROW - 6) {}
                        }
                        text x=(LABEL + length + 6) y=(y + 16) { (value) }
                    }
                }
                table.visually-hidden id={ (self.id) "-table" } {
                    caption { (self.title) }
                    tr { th scope="col" { "" } th scope="col" { (self.unit) } }
                    @for (label, value) in self.bars {
                        tr { th scope="row" { (label) } td { (value) } }
                    }
                }
            }
        }
    }
}
