pub fn render(_s: &crate::stats::MonthlyStats) -> String {
    String::new()
}
