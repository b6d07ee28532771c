package dev.glasskey.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.FormatException;
import com.google.zxing.ChecksumException;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import javax.imageio.ImageIO;

/** Reads a QR code the way a phone's camera would: the PNG a page shows, decoded with ZXing. */
public final class QrImages {
    private QrImages() {}

    /** The text of the QR code in a {@code data:image/png;base64,…} URI. */
    public static String decode(String dataUri) {
        try {
            byte[] png = Base64.getDecoder().decode(dataUri.substring(dataUri.indexOf(',') + 1));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
            // PURE_BARCODE: the image is the code as drawn, not a photo of it — read module by module.
            // ZXing's search for finder patterns (for photos) misreads about one drawn code in 200, with
            // a quiet zone of 2 modules or of 4 alike (tried in QrCodesTest): a flaky test, not a bad code.
            return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))),
                    java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no readable QR code in the image", e);
        }
    }
}
