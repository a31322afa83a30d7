import Foundation
import Testing

@testable import LeakCheck

/// The C header parser on the fixture crate's header and on the shapes FFI headers use.
@Suite struct FFIHeaderTests {
    typealias P = CHeader.Parameter

    @Test func fixtureHeaderPrototypesAndResultStruct() throws {
        let path = Paths.fixture("moq_ffi/include/moq_ffi.h").path
        let header = try CHeader.parse(fileAt: path)
        #expect(header.path == path)
        #expect(
            header.prototypes == [
                .init(name: "moq_version", returnType: "const char *", parameters: [], line: 60),
                .init(name: "moq_client_create", returnType: "MoqClient *", parameters: [], line: 65),
                .init(
                    name: "moq_client_destroy", returnType: "void",
                    parameters: [P(type: "MoqClient *", name: "client")], line: 68),
                .init(
                    name: "moq_connect", returnType: "MoqResult",
                    parameters: [
                        P(type: "MoqClient *", name: "client"), P(type: "const char *", name: "url"),
                        P(type: "MoqStatusCallback", name: "on_status"), P(type: "void *", name: "user_data"),
                    ], line: 74),
                .init(
                    name: "moq_disconnect", returnType: "MoqResult",
                    parameters: [P(type: "MoqClient *", name: "client")], line: 81),
                .init(
                    name: "moq_is_connected", returnType: "int32_t",
                    parameters: [P(type: "const MoqClient *", name: "client")], line: 84),
                .init(
                    name: "moq_publisher_create", returnType: "MoqPublisher *",
                    parameters: [P(type: "MoqClient *", name: "client"), P(type: "const char *", name: "track")],
                    line: 89),
                .init(
                    name: "moq_publish", returnType: "MoqResult",
                    parameters: [
                        P(type: "MoqPublisher *", name: "publisher"), P(type: "const uint8_t *", name: "data"),
                        P(type: "size_t", name: "len"),
                    ], line: 91),
                .init(
                    name: "moq_publisher_destroy", returnType: "void",
                    parameters: [P(type: "MoqPublisher *", name: "publisher")], line: 93),
                .init(
                    name: "moq_subscriber_create", returnType: "MoqSubscriber *",
                    parameters: [P(type: "MoqClient *", name: "client"), P(type: "const char *", name: "track")],
                    line: 98),
                .init(
                    name: "moq_subscriber_buffered", returnType: "int64_t",
                    parameters: [P(type: "const MoqSubscriber *", name: "subscriber")], line: 101),
                .init(
                    name: "moq_subscriber_destroy", returnType: "void",
                    parameters: [P(type: "MoqSubscriber *", name: "subscriber")],
                    line: 103),
                .init(name: "moq_free_str", returnType: "void", parameters: [P(type: "char *", name: "s")], line: 108),
                .init(
                    name: "moq_subscriber_listen", returnType: "MoqListener *",
                    parameters: [
                        P(type: "MoqSubscriber *", name: "subscriber"), P(type: "MoqFrameCallback", name: "on_frame"),
                        P(type: "void *", name: "user_data"), P(type: "uint32_t", name: "frames"),
                    ], line: 126),
                .init(
                    name: "moq_listener_stop", returnType: "void",
                    parameters: [P(type: "MoqListener *", name: "listener")], line: 134),
            ])
        #expect(
            header.structs == [
                .init(
                    names: ["MoqResult"],
                    fields: [P(type: "int32_t", name: "code"), P(type: "char *", name: "message")], line: 49)
            ])
        #expect(header.structDefinition(forType: "const struct MoqResult")?.names == ["MoqResult"])
    }

    /// The header's prototypes are exactly the crate's `#[no_mangle] extern "C"` functions.
    @Test func fixtureHeaderMatchesTheCrateExports() throws {
        let header = try CHeader.parse(fileAt: Paths.fixture("moq_ffi/include/moq_ffi.h").path)
        let exports = try RustExports.scan(directory: Paths.fixture("moq_ffi/src").path)
        #expect(header.prototypes.map(\.name) == exports.map(\.name))
    }

    /// Comments holding prototypes, macros with continuations, an `extern "C"` guard, an
    /// export macro defined elsewhere, attributes, multi-line prototypes, function-pointer
    /// parameters and typedefs, static inline helpers, tagged and anonymous structs.
    @Test func theShapesFFIHeadersUse() {
        let text = """
            #ifndef X_H
            #define X_H
            #define X_API __attribute__((visibility("default")))
            #define X_LONG_MACRO(a, b) \\
                do_something(a);        \\
                MoqResult fake_from_macro(void);
            #ifdef __cplusplus
            extern "C" {
            #endif
            /* MoqResult commented_out(void); */
            // char *also_commented(int);
            typedef enum { X_OK = 0, X_ERR = 1 } XCode;
            typedef struct XHandle XHandle;
            typedef struct {
                XCode code;
                const char* message; /* free with x_free_str */
                char *detail, **lines;
                uint8_t bytes[16];
            } XResult;
            struct XPair { int a; struct XPair *next; };
            typedef void (*XCallback)(void* user_data, const char *name);
            X_API XHandle*
            x_handle_new(
                const char* name,   // the name
                XCallback cb,
                void (*on_done)(int code),
                void* user_data
            );
            X_API void x_handle_free(XHandle* h);
            OTHER_EXPORT XResult x_run(XHandle *h, ...) __attribute__((warn_unused_result));
            extern char **x_list(unsigned int count, struct XPair pair);
            static inline int x_helper(void) { return 1; }
            MOQ_API void x_free_str(const char* s);
            #ifdef __cplusplus
            }
            #endif
            #endif
            """
        let header = CHeader.parse(text: text)
        #expect(
            header.prototypes == [
                .init(
                    name: "x_handle_new", returnType: "XHandle *",
                    parameters: [
                        P(type: "const char *", name: "name"), P(type: "XCallback", name: "cb"),
                        P(type: "void ( * ) ( int code )", name: "on_done"), P(type: "void *", name: "user_data"),
                    ], line: 23),
                .init(
                    name: "x_handle_free", returnType: "void", parameters: [P(type: "XHandle *", name: "h")], line: 29),
                .init(
                    name: "x_run", returnType: "XResult",
                    parameters: [P(type: "XHandle *", name: "h"), P(type: "...")], line: 30),
                .init(
                    name: "x_list", returnType: "char **",
                    parameters: [P(type: "unsigned int", name: "count"), P(type: "struct XPair", name: "pair")],
                    line: 31),
                .init(
                    name: "x_free_str", returnType: "void", parameters: [P(type: "const char *", name: "s")], line: 33),
            ])
        #expect(
            header.structs == [
                .init(
                    names: ["XResult"],
                    fields: [
                        P(type: "XCode", name: "code"), P(type: "const char *", name: "message"),
                        P(type: "char *", name: "detail"),
                        P(type: "char **", name: "lines"), P(type: "uint8_t *", name: "bytes"),
                    ], line: 14),
                .init(
                    names: ["XPair"], fields: [P(type: "int", name: "a"), P(type: "struct XPair *", name: "next")],
                    line: 20),
            ])
    }

    @Test(arguments: [
        ("char *", true), ("const char *", true), ("char *restrict", false), ("char * restrict", true),
        ("unsigned char *", true), ("char **", false), ("char", false), ("const uint8_t *", false),
    ])
    func cStringTypes(type: String, isString: Bool) {
        #expect(CHeader.isCharPointer(type) == isString)
    }

    @Test func unreadableHeaderIsAOneLineError() {
        #expect(throws: ParseError.self) { try CHeader.parse(fileAt: "/nonexistent/moq_ffi.h") }
        #expect((try? CHeader.parse(fileAt: "/nonexistent/moq_ffi.h")) == nil)
        do {
            _ = try CHeader.parse(fileAt: "/nonexistent/moq_ffi.h")
        } catch let error as ParseError {
            #expect(error.message == "cannot read the C header /nonexistent/moq_ffi.h")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// `#[no_mangle] extern "C"` functions of the crate, with file and line.
@Suite struct FFIRustExportsTests {
    @Test func fixtureCrateExportsEveryCFunctionWithItsLine() throws {
        let src = Paths.fixture("moq_ffi/src").path
        let lib = src + "/lib.rs"
        let exports = try RustExports.scan(directory: src)
        #expect(
            exports == [
                RustExport(name: "moq_version", file: lib, line: 97),
                RustExport(name: "moq_client_create", file: lib, line: 102),
                RustExport(name: "moq_client_destroy", file: lib, line: 109),
                RustExport(name: "moq_connect", file: lib, line: 121),
                RustExport(name: "moq_disconnect", file: lib, line: 145),
                RustExport(name: "moq_is_connected", file: lib, line: 162),
                RustExport(name: "moq_publisher_create", file: lib, line: 172),
                RustExport(name: "moq_publish", file: lib, line: 187),
                RustExport(name: "moq_publisher_destroy", file: lib, line: 204),
                RustExport(name: "moq_subscriber_create", file: lib, line: 213),
                RustExport(name: "moq_subscriber_buffered", file: lib, line: 234),
                RustExport(name: "moq_subscriber_destroy", file: lib, line: 244),
                RustExport(name: "moq_free_str", file: lib, line: 255),
                RustExport(name: "moq_subscriber_listen", file: lib, line: 294),
                RustExport(name: "moq_listener_stop", file: lib, line: 319),
            ])
    }

    @Test func attributeSpellingsAndWhatIsNotAnExport() {
        let text = """
            #[no_mangle]
            pub extern "C" fn plain() {}
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn edition_2024(p: *mut u8) {}
            #[no_mangle]
            /// docs between the attribute and the item
            #[allow(clippy::missing_safety_doc)]
            #[cfg(all(feature = "x", not(test)))]
            pub(crate) unsafe extern "C-unwind" fn with_attributes() {}
            #[export_name = "renamed_symbol"]
            pub extern "C" fn rust_side_name() {}
            // #[no_mangle] pub extern "C" fn commented_out() {}
            /* #[no_mangle]
               pub extern "C" fn block_commented() {} */
            #[no_mangle]
            pub fn rust_abi_only() {}
            #[no_mangle]
            pub static NOT_A_FUNCTION: u32 = 0;
            pub extern "C" fn not_no_mangle() {}
            const QUOTE: char = '"';
            #[no_mangle]
            extern "C" fn private_but_exported() {}
            """
        #expect(
            RustExports.scan(text: text, file: "lib.rs") == [
                RustExport(name: "plain", file: "lib.rs", line: 2),
                RustExport(name: "edition_2024", file: "lib.rs", line: 4),
                RustExport(name: "with_attributes", file: "lib.rs", line: 9),
                RustExport(name: "renamed_symbol", file: "lib.rs", line: 11),
                RustExport(name: "private_but_exported", file: "lib.rs", line: 22),
            ])
    }

    @Test func unreadableSourceDirectoryIsAOneLineError() {
        do {
            _ = try RustExports.scan(directory: "/nonexistent/src")
            Issue.record("no error")
        } catch let error as ParseError {
            #expect(error.message == "cannot read the crate sources in /nonexistent/src")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
