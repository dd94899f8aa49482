//! What every paged list page reads from its query string: search text, a status filter and
//! the page (1-based in the address, 0-based inside).

use serde::Deserialize;

/// Query of a paged list.
#[derive(Deserialize)]
pub struct ListQuery {
    /// Search text.
    pub search: Option<String>,
    /// Status filter, as the list's options name it.
    pub status: Option<String>,
    /// Page number as shown (1 is the first).
    pub page: Option<u64>,
}

impl ListQuery {
    /// The search text, or empty.
    pub fn search_text(&self) -> String {
        self.search.clone().unwrap_or_default()
    }

    /// The zero-based page asked for (anything below 1 is the first).
    pub fn page_index(&self) -> u64 {
        page_index(self.page)
    }
}

/// The zero-based page of a 1-based page number from the address (anything below 1, or none,
/// is the first).
pub fn page_index(page: Option<u64>) -> u64 {
    page.unwrap_or(1).max(1) - 1
}

/// How many pages `total` rows fill (at least one, so "page 1 of 1" reads right when empty).
pub fn page_count(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_one_based_outside_and_never_fewer_than_one() {
        let query = |page| ListQuery {
            search: None,
            status: None,
            page,
        };
        assert_eq!(query(None).page_index(), 0);
        assert_eq!(query(Some(0)).page_index(), 0);
        assert_eq!(query(Some(3)).page_index(), 2);
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(26, 25), 2);
    }
}
