pub fn render(_s: &crate::stats::MonthlyStats) -> crate::Result<Vec<u8>> {
    Ok(Vec::new())
}
