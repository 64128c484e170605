/// The console speaks Vietnamese by default; `?lang` links switch to English (kept in a cookie).
public enum ConsoleLanguage: String, Sendable, CaseIterable {
    case vi, en

    /// Every label the templates show, by key. Both languages have the same keys (a test checks).
    var labels: [String: String] {
        switch self {
        case .vi: Self.vietnamese
        case .en: Self.english
        }
    }

    /// The label keys, for the test that both languages cover the same ones.
    public var labelKeys: Set<String> { Set(labels.keys) }

    static let vietnamese: [String: String] = [
        "app": "Bảng điều khiển Liên thông", "signin": "Đăng nhập", "signout": "Đăng xuất",
        "username": "Tên đăng nhập", "password": "Mật khẩu", "overview": "Tổng quan", "queue": "Hàng đợi",
        "message": "Văn bản", "switchLanguage": "English", "state": "Trạng thái", "destination": "Nơi nhận",
        "sender": "Nơi gửi", "unit": "Đơn vị", "count": "Số lượng", "direction": "Chiều",
        "outbound": "Gửi đi", "inbound": "Nhận về", "any": "Tất cả", "from": "Từ ngày", "to": "Đến ngày",
        "search": "Tìm trong trích yếu hoặc DocumentId", "filter": "Lọc", "subject": "Trích yếu",
        "documentId": "Mã văn bản (DocumentId)", "created": "Thời điểm tạo", "attempts": "Lần gửi",
        "lastReason": "Lý do gần nhất", "previous": "Trang trước", "next": "Trang sau", "page": "Trang",
        "oldestUndelivered": "Văn bản chưa chuyển cũ nhất", "age": "Đã chờ", "none": "Không có",
        "lastHour": "Một giờ qua", "delivered": "Đã chuyển", "failed": "Thất bại", "breakers": "Cầu dao theo nơi nhận",
        "certificates": "Chứng thư số", "daysLeft": "Số ngày còn lại", "lastErrors": "Lỗi gần đây theo lý do",
        "reason": "Lý do", "lastSeen": "Lần cuối", "byState": "Theo trạng thái", "byDestination": "Theo nơi nhận",
        "byUnit": "Chưa chuyển theo đơn vị gửi", "envelope": "Thông tin văn bản", "trace": "Vết chuyển",
        "attachments": "Tệp đính kèm", "download": "Tải về", "signature": "Chữ ký số", "signer": "Người ký",
        "timeline": "Diễn biến trạng thái", "operatorActions": "Thao tác của cán bộ vận hành", "actor": "Người thực hiện",
        "action": "Thao tác", "result": "Kết quả", "at": "Thời điểm", "retry": "Gửi lại", "hold": "Tạm giữ",
        "release": "Bỏ tạm giữ", "cancel": "Hủy", "cancelReason": "Lý do hủy (bắt buộc khi hủy)",
        "actions": "Xử lý", "worker": "Tiến trình", "outcome": "Kết quả", "duration": "Thời gian",
        "changes": "Chuyển trạng thái", "statuses": "Trạng thái xử lý từ nơi nhận", "code": "Mã",
        "organ": "Cơ quan", "description": "Mô tả", "kind": "Loại", "received": "Thời điểm nhận",
        "readOnlyNote": "Tài khoản chỉ xem: không thể thao tác.", "signedInAs": "Đang đăng nhập",
        "wrongPassword": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "tooManyAttempts": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
        "sessionExpired": "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.",
        "forbidden": "Không được phép", "notFound": "Không tìm thấy", "back": "Quay lại",
        "signaturePresent": "Có chữ ký trong văn bản", "signatureAbsent": "Văn bản không có chữ ký",
        "verdictNotRecorded": "Kết quả kiểm tra chữ ký chưa được ghi nhận", "envelopeUnreadable": "Không đọc được văn bản",
        "organization": "Tên cơ quan", "documentNumber": "Số, ký hiệu", "promulgation": "Nơi, ngày ban hành",
        "downloadEnvelope": "Tải tệp edXML", "results": "kết quả", "size": "Kích thước", "mainContent": "Nội dung chính",
        "closed": "Đóng (bình thường)", "open": "Mở (tạm dừng gửi)", "half_open": "Nửa mở (đang thử)",
        "failures": "Lỗi liên tiếp", "done": "đã thực hiện", "notApplied": "Không thực hiện được", "retryAt": "Thử lại lúc", "error": "Lỗi",
        "agencies": "Cơ quan kết nối", "noAgencies": "Chưa có cơ quan nào đăng ký với trục (chỉ có ở vai trò trục).",
        "name": "Tên", "deliveryMode": "Cách chuyển", "credentials": "Xác thực", "pendingTo": "Đang chờ chuyển đến",
        "inMailbox": "Trong hộp thư chưa lấy", "deliveredTo": "Đã chuyển đến", "deadTo": "Không chuyển được",
        "sentPending": "Đã gửi, đang chuyển", "parent": "Cơ quan cấp trên", "active": "Đang hoạt động",
        "suspended": "Tạm ngừng", "pollMode": "cơ quan tự lấy (poll)",
        "refusals": "Văn bản bị từ chối", "source": "Nguồn", "times": "Số lần", "statusSent": "Đã báo trạng thái 02",
        "verdict": "Kết quả kiểm tra chữ ký", "recalled": "Bị thu hồi",
    ]

    static let english: [String: String] = [
        "app": "Liên thông console", "signin": "Sign in", "signout": "Sign out",
        "username": "User name", "password": "Password", "overview": "Overview", "queue": "Queue",
        "message": "Message", "switchLanguage": "Tiếng Việt", "state": "State", "destination": "Destination",
        "sender": "Sender", "unit": "Unit", "count": "Count", "direction": "Direction",
        "outbound": "Outbound", "inbound": "Inbound", "any": "Any", "from": "From date", "to": "To date",
        "search": "Text in subject or DocumentId", "filter": "Filter", "subject": "Subject",
        "documentId": "DocumentId", "created": "Created", "attempts": "Attempts",
        "lastReason": "Last reason", "previous": "Previous page", "next": "Next page", "page": "Page",
        "oldestUndelivered": "Oldest undelivered message", "age": "Waiting for", "none": "None",
        "lastHour": "Last hour", "delivered": "Delivered", "failed": "Failed", "breakers": "Circuit breakers by destination",
        "certificates": "Certificates", "daysLeft": "Days to expiry", "lastErrors": "Recent errors by reason",
        "reason": "Reason", "lastSeen": "Last seen", "byState": "By state", "byDestination": "By destination",
        "byUnit": "Undelivered by sending unit", "envelope": "Envelope", "trace": "Trace",
        "attachments": "Attachments", "download": "Download", "signature": "Signature", "signer": "Signer",
        "timeline": "Status timeline", "operatorActions": "Operator actions", "actor": "Actor",
        "action": "Action", "result": "Result", "at": "At", "retry": "Retry", "hold": "Hold",
        "release": "Release", "cancel": "Cancel", "cancelReason": "Reason (required to cancel)",
        "actions": "Actions", "worker": "Worker", "outcome": "Outcome", "duration": "Duration",
        "changes": "State changes", "statuses": "Statuses from the recipient", "code": "Code",
        "organ": "Organ", "description": "Description", "kind": "Kind", "received": "Received",
        "readOnlyNote": "Read-only account: actions are disabled.", "signedInAs": "Signed in as",
        "wrongPassword": "Wrong user name or password.",
        "tooManyAttempts": "Too many failed sign-ins. Try again in a few minutes.",
        "sessionExpired": "Your session expired; please sign in again.",
        "forbidden": "Forbidden", "notFound": "Not found", "back": "Back",
        "signaturePresent": "The document carries a signature", "signatureAbsent": "The document carries no signature",
        "verdictNotRecorded": "No verification verdict recorded", "envelopeUnreadable": "The envelope could not be read",
        "organization": "Organization", "documentNumber": "Number and notation", "promulgation": "Place and date",
        "downloadEnvelope": "Download the edXML file", "results": "results", "size": "Size", "mainContent": "Main content",
        "closed": "Closed (normal)", "open": "Open (paused)", "half_open": "Half-open (probing)",
        "failures": "Consecutive failures", "done": "done", "notApplied": "Not applied", "retryAt": "Retry at", "error": "Error",
        "agencies": "Agencies", "noAgencies": "No agency is registered with this bus (the bus role only).",
        "name": "Name", "deliveryMode": "Delivery", "credentials": "Credentials", "pendingTo": "Waiting to reach it",
        "inMailbox": "Unfetched in its mailbox", "deliveredTo": "Delivered to it", "deadTo": "Dead",
        "sentPending": "Sent by it, on the way", "parent": "Parent", "active": "Active",
        "suspended": "Suspended", "pollMode": "it polls",
        "refusals": "Refused", "source": "Source", "times": "Times", "statusSent": "Status 02 sent",
        "verdict": "Signature verdict", "recalled": "Recalled",
    ]
}
