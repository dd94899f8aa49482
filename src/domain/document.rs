//! Uploaded evidence (consent forms, right-to-work documents): only PDFs strictly under 1 MB,
//! checked three ways, because a renamed file or a browser's guess alone proves nothing.

/// Uploads must be strictly smaller than this (DOMAIN.md §11).
pub const MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// What is wrong with an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// No file chosen.
    #[error("Select a PDF file")]
    Missing,
    /// Too big.
    #[error("The file must be smaller than 1 MB")]
    TooBig,
    /// Not named `.pdf`.
    #[error("The file must be a PDF (its name must end in .pdf)")]
    NotPdfName,
    /// The browser says it is something else.
    #[error("The file must be a PDF")]
    NotPdfType,
    /// Named and typed as a PDF, but the content is not one.
    #[error("The file is not a real PDF: it may be damaged or renamed")]
    NotPdfContent,
}

/// A file as the browser sent it.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file's name on the person's computer.
    pub file_name: String,
    /// The MIME type the browser declared.
    pub content_type: Option<String>,
    /// The bytes received (at most `MAX_UPLOAD_BYTES`).
    pub bytes: Vec<u8>,
    /// More bytes were sent than kept.
    pub truncated: bool,
}

/// Checks that an upload is a PDF under the size limit: by extension, declared MIME type and
/// the `%PDF` header.
pub fn check_pdf(upload: Option<&Upload>) -> Result<(), UploadError> {
    let upload = upload
        .filter(|u| !u.file_name.trim().is_empty() || !u.bytes.is_empty())
        .ok_or(UploadError::Missing)?;
    if upload.bytes.is_empty() && !upload.truncated {
        return Err(UploadError::Missing);
    }
    if upload.truncated || upload.bytes.len() >= MAX_UPLOAD_BYTES {
        return Err(UploadError::TooBig);
    }
    if !upload.file_name.to_ascii_lowercase().ends_with(".pdf") {
        return Err(UploadError::NotPdfName);
    }
    let mime = upload.content_type.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if mime.as_deref() != Some("application/pdf") {
        return Err(UploadError::NotPdfType);
    }
    if !upload.bytes.starts_with(b"%PDF") {
        return Err(UploadError::NotPdfContent);
    }
    Ok(())
}

/// A safe name to store and offer for download: the last path part, only plain characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "document.pdf".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, mime: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.to_owned(),
            content_type: Some(mime.to_owned()),
            bytes: bytes.to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn a_small_real_pdf_is_accepted() {
        assert_eq!(
            check_pdf(Some(&upload(
                "consent.PDF",
                "application/pdf",
                b"%PDF-1.7 x"
            ))),
            Ok(())
        );
    }

    #[test]
    fn each_lie_is_named() {
        assert_eq!(check_pdf(None), Err(UploadError::Missing));
        assert_eq!(
            check_pdf(Some(&upload("", "application/octet-stream", b""))),
            Err(UploadError::Missing)
        );
        assert_eq!(
            check_pdf(Some(&upload("c.docx", "application/pdf", b"%PDF"))),
            Err(UploadError::NotPdfName)
        );
        assert_eq!(
            check_pdf(Some(&upload("c.pdf", "image/png", b"%PDF"))),
            Err(UploadError::NotPdfType)
        );
        assert_eq!(
            check_pdf(Some(&upload("c.pdf", "application/pdf", b"PK\x03\x04"))),
            Err(UploadError::NotPdfContent)
        );
    }

    #[test]
    fn one_megabyte_is_too_big_and_one_byte_less_is_not() {
        let mut bytes = b"%PDF".to_vec();
        bytes.resize(MAX_UPLOAD_BYTES - 1, b' ');
        assert_eq!(
            check_pdf(Some(&upload("c.pdf", "application/pdf", &bytes))),
            Ok(())
        );
        bytes.push(b' ');
        assert_eq!(
            check_pdf(Some(&upload("c.pdf", "application/pdf", &bytes))),
            Err(UploadError::TooBig)
        );
        let mut cut = upload("c.pdf", "application/pdf", b"%PDF");
        cut.truncated = true;
        assert_eq!(check_pdf(Some(&cut)), Err(UploadError::TooBig));
    }

    #[test]
    fn stored_names_lose_paths_and_odd_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\me\\my consent.pdf"),
            "my consent.pdf"
        );
        assert_eq!(clean_file_name("../../etc/<x>.pdf"), "_x_.pdf");
        assert_eq!(clean_file_name("///"), "document.pdf");
    }
}
