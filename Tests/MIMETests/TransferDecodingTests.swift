import Testing
@testable import MIME

@Suite("Base64 and quoted-printable decoding of bad input")
struct TransferDecodingTests {
    @Test("base64 skips line breaks and junk and accepts missing padding")
    func base64() {
        #expect(MIMETransferDecoding.base64(Array("SGVsbG8s\r\nIHdvcmxkIQ==".utf8)).text == "Hello, world!")
        #expect(MIMETransferDecoding.base64(Array("SGVs*bG8s IHdv\tcmxkIQ".utf8)).text == "Hello, world!")
        #expect(MIMETransferDecoding.base64(Array("SGk=SGk=".utf8)).text == "HiHi")
        #expect(MIMETransferDecoding.base64(Array("S".utf8)).isEmpty)
        #expect(MIMETransferDecoding.base64([]).isEmpty)
        #expect(MIMETransferDecoding.base64(Array("====".utf8)).isEmpty)
    }

    @Test("quoted-printable decodes escapes and soft breaks and drops transport whitespace")
    func quotedPrintable() {
        let input = "caf=C3=A9 =\r\nau lait  \r\nline=3d=\n two=20\r\n"
        #expect(MIMETransferDecoding.quotedPrintable(Array(input.utf8)).text
            == "café au lait\r\nline= two \r\n")
    }

    @Test("broken quoted-printable escapes are kept as written")
    func brokenEscapes() {
        #expect(MIMETransferDecoding.quotedPrintable(Array("a=ZZb=4".utf8)).text == "a=ZZb=4")
        #expect(MIMETransferDecoding.quotedPrintable(Array("end=".utf8)).text == "end")
        #expect(MIMETransferDecoding.quotedPrintable(Array("soft=  \r\nbreak".utf8)).text == "softbreak")
    }

    @Test("identity and unknown encodings return the bytes unchanged")
    func identity() {
        let bytes: [UInt8] = [0, 1, 0xFF, 0x3D]
        for name in ["7bit", "8BIT", "binary", "x-uuencode"] {
            #expect(MIMETransferDecoding.decode(bytes, encoding: name) == bytes)
        }
        #expect(MIMETransferDecoding.decode(Array("SGk=".utf8), encoding: "Base64").text == "Hi")
    }
}
