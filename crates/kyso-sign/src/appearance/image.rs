//! PNG images as PDF image XObjects (ISO 32000-1 §8.9.5), transparency as a soft mask
//! (§11.6.5.3).

use kyso_pdf::lopdf::{Dictionary, Object, Stream};

use crate::SignError;

/// A decoded PNG: 8-bit RGB samples, an optional 8-bit alpha channel and the physical pixel
/// size when the file states one (`pHYs` in pixels per metre).
#[derive(Debug, Clone)]
pub struct PngImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 3` bytes, row by row from the top.
    pub rgb: Vec<u8>,
    /// `width * height` alpha bytes, when the PNG has transparency (alpha channel or `tRNS`)
    /// and at least one pixel is not opaque.
    pub alpha: Option<Vec<u8>>,
    /// Pixels per metre (x, y) from `pHYs`, when its unit is the metre.
    pub pixels_per_metre: Option<(u32, u32)>,
}

impl PngImage {
    /// Decode a PNG (any colour type and bit depth: grey, grey + alpha, RGB, RGBA, palette,
    /// 1–16 bits; 16-bit samples are reduced to their high byte).
    pub fn decode(bytes: &[u8]) -> Result<Self, SignError> {
        let bad = |e: png::DecodingError| SignError::Appearance(format!("PNG: {e}"));
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(bad)?;
        let pixels_per_metre = reader
            .info()
            .pixel_dims
            .filter(|d| d.unit == png::Unit::Meter && d.xppu > 0 && d.yppu > 0)
            .map(|d| (d.xppu, d.yppu));
        let size = reader.output_buffer_size().ok_or_else(|| {
            SignError::Appearance("PNG: image too large to decode in memory".into())
        })?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(bad)?;
        let (width, height) = (info.width, info.height);
        if width == 0 || height == 0 {
            return Err(SignError::Appearance("PNG: empty image".into()));
        }
        let channels = match info.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => {
                return Err(SignError::Appearance(
                    "PNG: palette was not expanded".into(),
                ));
            }
        };
        let pixels = width as usize * height as usize;
        let mut rgb = Vec::with_capacity(pixels * 3);
        let mut alpha = Vec::with_capacity(pixels);
        for row in buf.chunks(info.line_size).take(height as usize) {
            for px in row.chunks(channels).take(width as usize) {
                match channels {
                    1 | 2 => rgb.extend_from_slice(&[px[0], px[0], px[0]]),
                    _ => rgb.extend_from_slice(&px[..3]),
                }
                alpha.push(if channels % 2 == 0 {
                    px[channels - 1]
                } else {
                    255
                });
            }
        }
        if rgb.len() != pixels * 3 {
            return Err(SignError::Appearance("PNG: truncated image data".into()));
        }
        let alpha = alpha.iter().any(|&a| a != 255).then_some(alpha);
        Ok(Self {
            width,
            height,
            rgb,
            alpha,
            pixels_per_metre,
        })
    }

    /// The physical size in millimetres (width, height) from `pHYs`, if the PNG states one.
    pub fn size_mm(&self) -> Option<(f32, f32)> {
        self.pixels_per_metre.map(|(x, y)| {
            (
                self.width as f32 * 1000.0 / x as f32,
                self.height as f32 * 1000.0 / y as f32,
            )
        })
    }

    /// Width / height.
    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height as f32
    }

    /// The image XObject and, when the image is not opaque, its soft mask, as PDF objects.
    /// The soft mask is returned separately so the caller can number it; the image's `/SMask`
    /// entry is set to `smask_ref` when both exist.
    pub fn to_objects(&self, smask_ref: Object) -> (Object, Option<Object>) {
        let mut dict = image_dict(self.width, self.height, "DeviceRGB");
        let smask = self.alpha.as_ref().map(|a| {
            let mask = Stream::new(
                image_dict(self.width, self.height, "DeviceGray"),
                super::deflate(a),
            );
            Object::Stream(mask)
        });
        if smask.is_some() {
            dict.set("SMask", smask_ref);
        }
        (
            Object::Stream(Stream::new(dict, super::deflate(&self.rgb))),
            smask,
        )
    }
}

fn image_dict(width: u32, height: u32, space: &str) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"XObject".to_vec()));
    d.set("Subtype", Object::Name(b"Image".to_vec()));
    d.set("Width", Object::Integer(i64::from(width)));
    d.set("Height", Object::Integer(i64::from(height)));
    d.set("ColorSpace", Object::Name(space.as_bytes().to_vec()));
    d.set("BitsPerComponent", Object::Integer(8));
    d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    d
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn encode(
        w: u32,
        h: u32,
        color: png::ColorType,
        depth: png::BitDepth,
        data: &[u8],
        extra: impl FnOnce(&mut png::Encoder<&mut Vec<u8>>),
    ) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut e = png::Encoder::new(&mut out, w, h);
            e.set_color(color);
            e.set_depth(depth);
            extra(&mut e);
            let mut writer = e.write_header().unwrap();
            writer.write_image_data(data).unwrap();
        }
        out
    }

    #[test]
    fn rgba_gives_rgb_and_alpha_with_physical_size() {
        // 2x1: opaque pure blue, then half-transparent red; 4000 px/m = 0.5 mm per pixel.
        let png = encode(
            2,
            1,
            png::ColorType::Rgba,
            png::BitDepth::Eight,
            &[0, 0, 255, 255, 255, 0, 0, 128],
            |e| {
                e.set_pixel_dims(Some(png::PixelDimensions {
                    xppu: 4000,
                    yppu: 4000,
                    unit: png::Unit::Meter,
                }))
            },
        );
        let img = PngImage::decode(&png).unwrap();
        assert_eq!((img.width, img.height), (2, 1));
        assert_eq!(img.rgb, vec![0, 0, 255, 255, 0, 0]);
        assert_eq!(img.alpha, Some(vec![255, 128]));
        assert_eq!(img.size_mm(), Some((0.5, 0.25)));
        let (obj, mask) = img.to_objects(Object::Reference((7, 0)));
        let Object::Stream(s) = obj else { panic!() };
        assert_eq!(s.dict.get(b"SMask").unwrap(), &Object::Reference((7, 0)));
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec_zlib(&s.content).unwrap(),
            img.rgb
        );
        assert!(mask.is_some());
    }

    #[test]
    fn grey_palette_and_16_bit_are_normalised() {
        let grey = encode(
            2,
            1,
            png::ColorType::GrayscaleAlpha,
            png::BitDepth::Eight,
            &[10, 255, 200, 0],
            |_| {},
        );
        let img = PngImage::decode(&grey).unwrap();
        assert_eq!(img.rgb, vec![10, 10, 10, 200, 200, 200]);
        assert_eq!(img.alpha, Some(vec![255, 0]));
        assert_eq!(img.size_mm(), None);

        let palette = encode(
            2,
            1,
            png::ColorType::Indexed,
            png::BitDepth::Eight,
            &[0, 1],
            |e| {
                e.set_palette(vec![218, 0, 0, 0, 51, 204]);
                e.set_trns(vec![0]);
            },
        );
        let img = PngImage::decode(&palette).unwrap();
        assert_eq!(img.rgb, vec![218, 0, 0, 0, 51, 204]);
        assert_eq!(img.alpha, Some(vec![0, 255]));

        let rgb16 = encode(
            1,
            1,
            png::ColorType::Rgb,
            png::BitDepth::Sixteen,
            &[0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF],
            |_| {},
        );
        let img = PngImage::decode(&rgb16).unwrap();
        assert_eq!(img.rgb, vec![0x12, 0xAB, 0xFF]);
        assert_eq!(img.alpha, None, "opaque images get no soft mask");
        let (_, mask) = img.to_objects(Object::Null);
        assert!(mask.is_none());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(PngImage::decode(b"not a png").is_err());
    }
}
