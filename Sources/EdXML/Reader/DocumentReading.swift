import LibXML

/// The `MessageHeader` of a document.
struct DocumentReading {
    let context: ReadContext

    func read(_ f: ElementFields) -> DocumentHeader {
        var header = DocumentHeader()
        if let from = f.child("From") {
            header.from = f.organization(from, path: "From", context: context)
        }
        header.to = f.children("To").enumerated().map { i, e in f.organization(e, path: "To[\(i)]", context: context) }
        header.documentId = f.text("DocumentId")
        if let code = f.child("Code") {
            let c = context.fields(of: code, path: "Code")
            header.code = DocumentCode(number: c.text("CodeNumber"), notation: c.text("CodeNotation"))
            c.finish(keepIn: nil)
        }
        if let p = f.child("PromulgationInfo") {
            let pf = context.fields(of: p, path: "PromulgationInfo")
            header.promulgation = PromulgationInfo(place: pf.text("Place"), date: pf.date("PromulgationDate"))
            pf.finish(keepIn: nil)
        }
        if let t = f.child("DocumentType") {
            let tf = context.fields(of: t, path: "DocumentType")
            header.documentType = DocumentType(type: tf.text("Type"), typeDetail: tf.text("TypeDetail"), typeName: tf.text("TypeName"))
            tf.finish(keepIn: nil)
        }
        header.subject = f.text("Subject")
        header.content = f.text("Content")
        if let s = f.child("SignerInfo") {
            let sf = context.fields(of: s, path: "SignerInfo")
            header.signer = SignerInfo(competence: sf.text("Competence"), position: sf.text("Position"), fullName: sf.text("FullName"))
            sf.finish(keepIn: nil)
        }
        header.dueDate = f.date("DueDate")
        header.toPlaces = f.list("ToPlaces", item: "Place")
        if let o = f.child("OtherInfo") {
            let of = context.fields(of: o, path: "OtherInfo")
            header.otherInfo = OtherInfo(priority: of.text("Priority"), sphereOfPromulgation: of.text("SphereOfPromulgation"),
                                         typerNotation: of.text("TyperNotation"), promulgationAmount: of.text("PromulgationAmount"),
                                         pageAmount: of.text("PageAmount"), direction: of.text("Direction"),
                                         appendixes: of.list("Appendixes", item: "Appendix"))
            of.finish(keepIn: nil)
        }
        header.responseFor = f.children("ResponseFor").enumerated().map { i, e in
            f.responseFor(e, path: "ResponseFor[\(i)]", context: context)
        }
        header.steeringType = f.text("SteeringType")
        return header
    }
}

/// The `Bussiness` block of the TraceHeaderList.
struct BusinessReading {
    let context: ReadContext

    func read(_ f: ElementFields) -> Business {
        var business = Business(documentId: f.text("DocumentId"), docType: f.text("BussinessDocType"),
                                reason: f.text("BussinessDocReason"), paper: f.text("Paper"))
        if let info = f.child("BussinessDocumentInfo") {
            let inf = context.fields(of: info, path: "Bussiness.BussinessDocumentInfo")
            var receivers: [BusinessDocumentInfo.Receiver]?
            if let list = inf.child("ReceiverList") {
                let lf = context.fields(of: list, path: "Receiver")
                receivers = lf.children("Receiver").enumerated().map { i, r in
                    let rf = context.fields(of: r, path: "Receiver[\(i)]")
                    defer { rf.finish(keepIn: nil) }
                    return .init(organId: rf.organId("OrganId"), receiverType: rf.text("ReceiverType"))
                }
                lf.finish(keepIn: nil)
            }
            business.documentInfo = BusinessDocumentInfo(documentInfo: inf.text("DocumentInfo"),
                                                         documentReceiver: inf.text("DocumentReceiver"), receivers: receivers)
            inf.finish(keepIn: nil)
        }
        if let list = f.child("ReplacementInfoList") {
            let lf = context.fields(of: list, path: "ReplacementInfo")
            business.replacements = lf.children("ReplacementInfo").enumerated().map { i, r in
                let rf = context.fields(of: r, path: "ReplacementInfo[\(i)]")
                defer { rf.finish(keepIn: nil) }
                var organIds: [OrganId]?
                if let ids = rf.child("OrganIdList") {
                    let idf = context.fields(of: ids, path: "ReplacementInfo[\(i)]")
                    organIds = idf.children("OrganId").map { OrganId($0.text) }
                    idf.finish(keepIn: nil)
                }
                return ReplacementInfo(documentId: rf.text("DocumentId"), organIds: organIds)
            }
            lf.finish(keepIn: nil)
        }
        if let staff = f.child("StaffInfo") {
            business.staff = f.staff(staff, path: "Bussiness.StaffInfo", context: context)
        }
        return business
    }
}

/// The `MessageHeader` (or `Status`) of a status message.
struct StatusReading {
    let context: ReadContext

    func read(_ f: ElementFields) -> StatusMessage {
        var status = StatusMessage()
        if let from = f.child("From") { status.from = f.organization(from, path: "From", context: context) }
        let replies = f.children("ResponseFor")
        if replies.count > 1 {
            context.note("edxml.duplicate_element", "a status names \(replies.count) ResponseFor; only the first is read", at: replies[1])
        }
        status.responseFor = replies.first.map { f.responseFor($0, path: "ResponseFor[0]", context: context) }
        if let staff = f.child("StaffInfo") { status.staff = f.staff(staff, path: "StaffInfo", context: context) }
        status.statusCode = f.text("StatusCode").map { StatusCode($0) }
        status.description = f.text("Description")
        status.timestamp = f.date("Timestamp")
        return status
    }
}
