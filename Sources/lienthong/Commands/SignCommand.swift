import ArgumentParser
import Foundation
import XMLDSig

/// `lienthong sign`: adds the profile's enveloped signature to an edXML envelope.
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign an edXML envelope (enveloped XML-DSig in edXMLHeader, exclusive C14N).",
        discussion: "An encrypted key's passphrase comes from --passphrase-env, --passphrase-file or $\(PassphraseOptions.defaultVariable); never from an argument."
    )

    @Option(help: ArgumentHelp("Private key, PEM (PKCS#8 or traditional, possibly encrypted).", valueName: "KEY.pem"))
    var key: String

    @Option(help: ArgumentHelp("The signer's certificate, PEM.", valueName: "CERT.pem"))
    var cert: String

    @Option(help: ArgumentHelp("Intermediate certificates to include in KeyInfo, PEM bundle.", valueName: "CHAIN.pem"))
    var chain: String?

    @Option(help: ArgumentHelp("Signature algorithm: \(SignatureMethod.signable.map(\.name).joined(separator: ", ")).", valueName: "ALG"))
    var alg: String = SignatureMethod.signingDefault.name

    @Flag(help: "Replace a Signature the envelope already carries instead of refusing.")
    var replace = false

    @OptionGroup var passphrase: PassphraseOptions

    @Argument(help: ArgumentHelp("The envelope to sign.", valueName: "IN"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the signed envelope.", valueName: "OUT"))
    var output: String

    func run() async throws {
        guard let method = SignatureMethod(name: alg), SignatureMethod.signable.contains(method) else {
            throw ValidationError("--alg must be one of \(SignatureMethod.signable.map(\.name).joined(separator: ", "))")
        }
        let identity = try SigningIdentity(keyPEM: try InputFiles.read(key, what: "key"),
                                           passphrase: try passphrase.passphrase(),
                                           certificatePEM: try InputFiles.read(cert, what: "certificate"),
                                           chainPEM: try chain.map { try InputFiles.read($0, what: "chain") })
        let signer = try EnvelopeSigner(identity: identity, method: method)
        let signed = try signer.sign(try InputFiles.readDocument(input), replacingExisting: replace)
        try InputFiles.write(signed, to: output)
    }
}
