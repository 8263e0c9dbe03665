//! Tests of the C ABI from Rust: NULLs, buffers, errors, codes, panics kept inside.
#![allow(clippy::unwrap_used)]

use super::*;

fn message(e: *const KysoError) -> String {
    unsafe { CStr::from_ptr(kyso_error_message(e)) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn version_and_abi() {
    let v = unsafe { CStr::from_ptr(kyso_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(kyso_abi_version(), KYSO_ABI_VERSION);
}

#[test]
fn null_and_bad_arguments_give_codes() {
    let mut out: *mut KysoBuffer = ptr::null_mut();
    let mut err: *mut KysoError = ptr::null_mut();
    let code = unsafe { kyso_verify_pdf(ptr::null(), 0, c"{}".as_ptr(), &mut out, &mut err) };
    assert_eq!(code, KYSO_ERR_NULL_ARGUMENT);
    assert!(out.is_null());
    assert_eq!(unsafe { kyso_error_code(err) }, KYSO_ERR_NULL_ARGUMENT);
    assert!(message(err).contains("pdf"));
    unsafe { kyso_error_free(err) };

    let pdf = b"%PDF-1.7\n";
    let code =
        unsafe { kyso_verify_pdf(pdf.as_ptr(), pdf.len(), c"{".as_ptr(), &mut out, &mut err) };
    assert_eq!(code, KYSO_ERR_INVALID_OPTIONS);
    unsafe { kyso_error_free(err) };
    // No error_out: the code alone.
    let code = unsafe {
        kyso_verify_pdf(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            &mut out,
            ptr::null_mut(),
        )
    };
    assert_ne!(code, KYSO_OK);
    assert!(out.is_null());
    // No output pointer.
    let code = unsafe {
        kyso_verify_pdf(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            ptr::null_mut(),
            &mut err,
        )
    };
    assert_eq!(code, KYSO_ERR_NULL_ARGUMENT);
    unsafe { kyso_error_free(err) };

    let code = unsafe {
        kyso_sign_pdf(
            pdf.as_ptr(),
            pdf.len(),
            cr#"{"signer":{"p12":{"path":"x"}},"level":"B-LTA"}"#.as_ptr(),
            &mut out,
            &mut err,
        )
    };
    assert_eq!(code, KYSO_ERR_UNSUPPORTED);
    assert!(message(err).contains("B-LTA"));
    unsafe { kyso_error_free(err) };

    unsafe {
        kyso_buffer_free(ptr::null_mut());
        kyso_error_free(ptr::null_mut());
        assert!(kyso_buffer_data(ptr::null()).is_null());
        assert_eq!(kyso_buffer_len(ptr::null()), 0);
        assert!(kyso_error_message(ptr::null()).is_null());
    }
}

#[test]
fn sign_with_result_fails_cleanly() {
    let pdf = kyso::demo::sample_pdf();
    let mut out: *mut KysoBuffer = ptr::null_mut();
    let mut result: *mut KysoBuffer = ptr::dangling_mut();
    let mut err: *mut KysoError = ptr::null_mut();
    let code = unsafe {
        kyso_sign_pdf_with_result(
            pdf.as_ptr(),
            pdf.len(),
            cr#"{"signer":{"p12":{"path":"x"}},"level":"B-LTA"}"#.as_ptr(),
            &mut out,
            &mut result,
            &mut err,
        )
    };
    assert_eq!(code, KYSO_ERR_UNSUPPORTED);
    assert!(out.is_null() && result.is_null());
    unsafe { kyso_error_free(err) };
    // The signed file's output is required, the result's is not.
    let code = unsafe {
        kyso_sign_pdf_with_result(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
            &mut err,
        )
    };
    assert_eq!(code, KYSO_ERR_NULL_ARGUMENT);
    unsafe { kyso_error_free(err) };
    let code = unsafe {
        kyso_sign_pdf_with_result(
            pdf.as_ptr(),
            pdf.len(),
            cr#"{"signer":{"p12":{"path":"/nonexistent.p12"}}}"#.as_ptr(),
            &mut out,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    assert_ne!(code, KYSO_OK);
    assert!(out.is_null());
}

#[test]
fn ltv_add_outputs_and_failures() {
    let pdf = kyso::demo::sample_pdf();
    let mut out: *mut KysoBuffer = ptr::null_mut();
    let mut summary: *mut KysoBuffer = ptr::null_mut();
    let mut err: *mut KysoError = ptr::null_mut();
    // Nothing to add to an unsigned document: the input comes back, with a summary.
    let code = unsafe {
        kyso_ltv_add(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            &mut out,
            &mut summary,
            &mut err,
        )
    };
    assert_eq!(code, KYSO_OK);
    assert!(err.is_null());
    let bytes = unsafe { std::slice::from_raw_parts(kyso_buffer_data(out), kyso_buffer_len(out)) };
    assert_eq!(bytes, pdf.as_slice());
    let json =
        unsafe { std::slice::from_raw_parts(kyso_buffer_data(summary), kyso_buffer_len(summary)) };
    let json: serde_json::Value = serde_json::from_slice(json).unwrap();
    assert_eq!(json["signatures"], 0);
    assert!(json["document_timestamp"].is_null());
    unsafe {
        kyso_buffer_free(out);
        kyso_buffer_free(summary);
    }
    // The summary is optional.
    let code = unsafe {
        kyso_ltv_add(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            &mut out,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    assert_eq!(code, KYSO_OK);
    unsafe { kyso_buffer_free(out) };
    // Failures leave both outputs NULL.
    for (pdf_ptr, options, code_wanted) in [
        (ptr::null(), c"{}", KYSO_ERR_NULL_ARGUMENT),
        (pdf.as_ptr(), c"{", KYSO_ERR_INVALID_OPTIONS),
        (
            pdf.as_ptr(),
            cr#"{"level":"B-LTA"}"#,
            KYSO_ERR_INVALID_OPTIONS,
        ),
        (
            pdf.as_ptr(),
            cr#"{"tsa":"http://127.0.0.1:9/","tsa_digest":"md5"}"#,
            KYSO_ERR_INVALID_OPTIONS,
        ),
    ] {
        summary = ptr::dangling_mut();
        let code = unsafe {
            kyso_ltv_add(
                pdf_ptr,
                pdf.len(),
                options.as_ptr(),
                &mut out,
                &mut summary,
                &mut err,
            )
        };
        assert_eq!(code, code_wanted, "{options:?}: {}", message(err));
        assert!(out.is_null() && summary.is_null());
        assert_eq!(unsafe { kyso_error_code(err) }, code_wanted);
        unsafe { kyso_error_free(err) };
    }
    // The PDF output is required.
    summary = ptr::dangling_mut();
    let code = unsafe {
        kyso_ltv_add(
            pdf.as_ptr(),
            pdf.len(),
            c"{}".as_ptr(),
            ptr::null_mut(),
            &mut summary,
            &mut err,
        )
    };
    assert_eq!(code, KYSO_ERR_NULL_ARGUMENT);
    assert!(summary.is_null());
    unsafe { kyso_error_free(err) };
}

#[test]
fn verifies_an_unsigned_pdf() {
    let pdf = kyso::demo::sample_pdf();
    let mut out: *mut KysoBuffer = ptr::null_mut();
    let mut err: *mut KysoError = ptr::null_mut();
    let code = unsafe {
        kyso_verify_pdf(
            pdf.as_ptr(),
            pdf.len(),
            cr#"{"revocation":"off"}"#.as_ptr(),
            &mut out,
            &mut err,
        )
    };
    assert_eq!(
        code,
        KYSO_OK,
        "{}",
        if err.is_null() {
            String::new()
        } else {
            message(err)
        }
    );
    assert!(err.is_null());
    let json = unsafe { std::slice::from_raw_parts(kyso_buffer_data(out), kyso_buffer_len(out)) };
    let report: serde_json::Value = serde_json::from_slice(json).unwrap();
    assert_eq!(report["schema"], "kyso.report/1");
    assert_eq!(report["verdict"], "NO_SIGNATURES");
    unsafe { kyso_buffer_free(out) };
}
