// Conversions between the framework's model and tfplugin6 messages.
#pragma once

#include <string>
#include <vector>

#include "provider/cty/path.h"
#include "provider/cty/type.h"
#include "provider/cty/value.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/function.h"
#include "provider/framework/schema.h"
#include "tfplugin6.pb.h"

namespace sarga::framework {

void to_proto(const Schema& schema, tfplugin6::Schema* out);
void to_proto(const FunctionSignature& signature, tfplugin6::Function* out);
void to_proto(const cty::Path& path, tfplugin6::AttributePath* out);
cty::Path from_proto(const tfplugin6::AttributePath& path);
void to_proto(const Diagnostics& diagnostics,
              google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out);

// DynamicValue -> cty: msgpack when present, else JSON, else null of `type`. Decode problems
// become an error diagnostic naming `what` (e.g. "config") and the offending path.
cty::Value decode(const tfplugin6::DynamicValue& value, const cty::Type& type, const char* what,
                  Diagnostics& diagnostics);
// cty -> DynamicValue (msgpack). Encode problems become an error diagnostic.
void encode(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out,
            Diagnostics& diagnostics);

}  // namespace sarga::framework
