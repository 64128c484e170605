import Foundation
import TestSupport

/// The two independent XML-DSig implementations the interop tests prove against: the `xmlsec1`
/// command line and Python's signxml (in `.build/pyvenv`, made by `make pydeps`). When one is
/// missing its tests are skipped with a message, except under CI (env `CI` set), where they fail.
enum Peers {
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    static let xmlsec1: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"])
            .map { URL(fileURLWithPath: $0).appendingPathComponent("xmlsec1") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static let python: URL? = {
        let candidates = [ProcessInfo.processInfo.environment["LIENTHONG_PYTHON"],
                          Paths.packageRoot.appendingPathComponent(".build/pyvenv/bin/python").path].compactMap { $0 }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let url = URL(fileURLWithPath: candidate)
            if let probe = try? runCommand(url, ["-c", "import signxml, lxml"], timeout: 30), probe.status == 0 { return url }
        }
        return nil
    }()

    static let xmlsec1Missing = "xmlsec1 is not installed (make deps installs the Debian package xmlsec1)"
    static let signxmlMissing = "Python with signxml not found (make pydeps, or set LIENTHONG_PYTHON)"

    /// The signxml side, run as one process per call.
    static let signxmlScript = #"""
    import sys
    from lxml import etree
    from signxml import XMLSigner, XMLVerifier, SignatureConfiguration, SignatureMethod, DigestAlgorithm, CanonicalizationMethod
    from signxml.algorithms import SignatureConstructionMethod

    DS = "http://www.w3.org/2000/09/xmldsig#"

    def local(el):
        return etree.QName(el).localname

    def sign(key, cert, src, dst):
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.parse(src, parser).getroot()
        header = next(e for e in root.iter() if isinstance(e.tag, str) and local(e) == "edXMLHeader")
        placeholder = etree.Element("{%s}Signature" % DS, nsmap={"ds": DS}, Id="placeholder")
        trace = [c for c in header if isinstance(c.tag, str) and local(c) == "TraceHeaderList"]
        if trace:
            trace[0].addnext(placeholder)
        else:
            header.append(placeholder)
        signer = XMLSigner(method=SignatureConstructionMethod.enveloped,
                           signature_algorithm=SignatureMethod.RSA_SHA256,
                           digest_algorithm=DigestAlgorithm.SHA256,
                           c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
        signed = signer.sign(root, key=open(key, "rb").read(), cert=open(cert, "rb").read())
        with open(dst, "wb") as f:
            f.write(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))

    def verify(ca, files):
        config = SignatureConfiguration(location=".//", expect_references=1)
        for name in files:
            try:
                XMLVerifier().verify(open(name, "rb").read(), ca_pem_file=ca, expect_config=config)
                print("ok " + name)
            except Exception as error:
                print("fail " + name + ": " + type(error).__name__ + ": " + str(error).replace("\n", " "))

    if sys.argv[1] == "sign":
        sign(*sys.argv[2:6])
    else:
        verify(sys.argv[2], sys.argv[3:])
    """#

    /// A signature template for `xmlsec1 --sign`: the profile's shape with empty values.
    static let xmlsecTemplate = """
        <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>\
        <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
        <Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>\
        <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo>\
        <SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>
        """
}
