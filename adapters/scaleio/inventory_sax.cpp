#include "adapters/scaleio/inventory_sax.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/scaleio/body_excerpt.h"
#include "adapters/scaleio/object_parsers.h"

namespace scaleio::gateway {

namespace {

using nlohmann::json;

template <auto Parse, auto Into>
bool add_item(const json& item, sio::Inventory& inventory) {
  auto value = Parse(item);
  if (value.id.empty()) return false;
  (inventory.*Into).push_back(std::move(value));
  return true;
}

template <auto Into>
void clear_list(sio::Inventory& inventory) {
  (inventory.*Into).clear();
}

// One list of the answer with the item fields its parser in object_parsers.cpp reads. Keep the
// fields in step with those parsers: a field missing here reads as absent (the equivalence test
// on the sim's listings catches it for every field the sim sends).
struct ListKind {
  std::string_view key;
  std::vector<std::string_view> fields;
  bool (*add)(const json& item, sio::Inventory& into);  // false: the item has no id
  void (*clear)(sio::Inventory& inventory);
};

// In the order parse_inventory checks the lists, so that a body with two wrong lists reports the
// same one.
const std::array<ListKind, 7>& list_kinds() {
  static const std::array<ListKind, 7> kinds = {{
      {"protectionDomainList",
       {"id", "name", "protectionDomainState"},
       &add_item<&parse_protection_domain, &sio::Inventory::protection_domains>,
       &clear_list<&sio::Inventory::protection_domains>},
      {"faultSetList",
       {"id", "name", "protectionDomainId"},
       &add_item<&parse_fault_set, &sio::Inventory::fault_sets>,
       &clear_list<&sio::Inventory::fault_sets>},
      {"storagePoolList",
       {"id", "name", "protectionDomainId", "mediaType", "sparePercentage", "zeroPaddingEnabled"},
       &add_item<&parse_storage_pool, &sio::Inventory::storage_pools>,
       &clear_list<&sio::Inventory::storage_pools>},
      {"sdsList",
       {"id", "name", "protectionDomainId", "faultSetId", "ipList", "port", "sdsState",
        "membershipState", "mdmConnectionState"},
       &add_item<&parse_sds, &sio::Inventory::sdss>,
       &clear_list<&sio::Inventory::sdss>},
      {"deviceList",
       {"id", "name", "deviceCurrentPathName", "deviceCurrentPathname", "sdsId", "storagePoolId",
        "deviceState", "errorState", "capacityLimitInKb", "maxCapacityInKb"},
       &add_item<&parse_device, &sio::Inventory::devices>,
       &clear_list<&sio::Inventory::devices>},
      {"sdcList",
       {"id", "name", "sdcIp", "sdcGuid", "sdcApproved", "mdmConnectionState"},
       &add_item<&parse_sdc, &sio::Inventory::sdcs>,
       &clear_list<&sio::Inventory::sdcs>},
      {"volumeList",
       {"id", "name", "sizeInKb", "storagePoolId", "volumeType", "mappedSdcInfo"},
       &add_item<&parse_volume, &sio::Inventory::volumes>,
       &clear_list<&sio::Inventory::volumes>},
  }};
  return kinds;
}

// nlohmann's SAX handler (the member names are its interface). Builds the Inventory as the events
// come; a value nobody reads is skipped by counting its brackets, without being stored.
class InventoryHandler {
 public:
  bool null() {
    return scalar("null", [] { return json(); });
  }
  bool boolean(bool v) {
    return scalar("boolean", [v] { return json(v); });
  }
  bool number_integer(json::number_integer_t v) {
    return scalar("number", [v] { return json(v); });
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return scalar("number", [v] { return json(v); });
  }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) {
    return scalar("number", [v] { return json(v); });
  }
  bool string(json::string_t& v) {
    return scalar("string", [&v] { return json(std::move(v)); });
  }
  bool binary(json::binary_t& /*v*/) {
    return scalar("binary", [] { return json(); });  // CBOR and friends only, never in JSON text
  }
  bool start_object(std::size_t /*elements*/) { return open(/*object=*/true); }
  bool start_array(std::size_t /*elements*/) { return open(/*object=*/false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k);
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const json::exception& /*error*/) {
    not_json_ = true;
    return false;
  }

  bool not_json() const { return not_json_; }
  // After a parse without error.
  Result<sio::Inventory> finish(const std::string& endpoint);

 private:
  // Where the next value goes.
  enum class Target {
    kSkip,
    kRoot,         // the answer itself
    kSystem,       // the value of "System" (an object, or an array whose first item is one)
    kSystemFirst,  // the first item of a "System" array
    kList,         // the value of one of list_kinds()
    kListItem,     // an item of that list
    kCapture,      // a field an object parser reads, or anything inside one
  };
  enum class Frame { kRootObject, kSystemArray, kListArray, kItemObject, kCaptured };
  struct Open {
    Frame frame;
    json* node = nullptr;  // kCaptured: the container being filled
    size_t list = 0;       // kListArray, kItemObject
    size_t items = 0;      // kSystemArray: items seen
  };

  Target take_target();
  json* capture_slot();
  void fail(size_t list, std::string what);
  void finish_item(size_t list);
  template <class Make>
  bool scalar(const char* type, Make make);
  bool open(bool object);
  bool close();

  bool not_json_ = false;
  std::string root_type_ = "null";  // the answer's type until its first event says otherwise
  bool root_seen_ = false;
  std::vector<Open> open_;
  int skip_depth_ = 0;                  // > 0 while inside a value being skipped
  Target root_target_ = Target::kSkip;  // of the root object's current key
  size_t root_list_ = 0;                // ... when that key is a list
  bool capture_key_ = false;            // the current key of an item or captured object is read
  std::string key_;
  json system_;  // null, or the System object
  json item_;    // the list item being read
  std::array<std::optional<std::string>, 7> errors_;
  sio::Inventory inventory_;
};

InventoryHandler::Target InventoryHandler::take_target() {
  if (open_.empty()) {
    if (root_seen_) return Target::kSkip;
    root_seen_ = true;
    return Target::kRoot;
  }
  Open& top = open_.back();
  switch (top.frame) {
    case Frame::kRootObject:
      return root_target_;
    case Frame::kSystemArray:
      return top.items++ == 0 ? Target::kSystemFirst : Target::kSkip;
    case Frame::kListArray:
      return errors_[top.list] ? Target::kSkip : Target::kListItem;
    case Frame::kItemObject:
      return capture_key_ ? Target::kCapture : Target::kSkip;
    case Frame::kCaptured:
      return !top.node->is_object() || capture_key_ ? Target::kCapture : Target::kSkip;
  }
  return Target::kSkip;
}

json* InventoryHandler::capture_slot() {
  Open& top = open_.back();
  if (top.frame == Frame::kItemObject) return &item_[key_];
  if (top.node->is_object()) return &(*top.node)[key_];  // a repeated key: the last one wins
  top.node->push_back(nullptr);
  return &top.node->back();
}

void InventoryHandler::fail(size_t list, std::string what) {
  if (errors_[list]) return;  // the first wrong item is the one reported
  errors_[list] = std::move(what);
  list_kinds()[list].clear(inventory_);  // nothing of a rejected listing is kept
}

void InventoryHandler::finish_item(size_t list) {
  if (!list_kinds()[list].add(item_, inventory_)) fail(list, "an object without an id");
  item_ = json();
}

template <class Make>
bool InventoryHandler::scalar(const char* type, Make make) {
  if (skip_depth_ > 0) return true;
  switch (take_target()) {
    case Target::kSkip:
      break;
    case Target::kRoot:
      root_type_ = type;
      break;
    case Target::kSystem:
    case Target::kSystemFirst:
      system_ = nullptr;  // only an object is a System
      break;
    case Target::kList:
      // null is a list the gateway does not have, as if the key were missing.
      if (std::string_view(type) != "null") {
        fail(root_list_, std::string("expected a JSON array, got ") + type);
      }
      break;
    case Target::kListItem:
      fail(open_.back().list, std::string("expected objects in the array, got ") + type);
      break;
    case Target::kCapture:
      *capture_slot() = make();
      break;
  }
  return true;
}

bool InventoryHandler::open(bool object) {
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return true;
  }
  const char* type = object ? "object" : "array";
  switch (take_target()) {
    case Target::kSkip:
      skip_depth_ = 1;
      break;
    case Target::kRoot:
      root_type_ = type;
      if (object) {
        open_.push_back({Frame::kRootObject});
      } else {
        skip_depth_ = 1;
      }
      break;
    case Target::kSystem:
      system_ = nullptr;
      if (object) {
        system_ = json::object();
        open_.push_back({Frame::kCaptured, &system_});
      } else {
        open_.push_back({Frame::kSystemArray});  // some gateways wrap the one System in an array
      }
      break;
    case Target::kSystemFirst:
      if (object) {
        system_ = json::object();
        open_.push_back({Frame::kCaptured, &system_});
      } else {
        skip_depth_ = 1;
      }
      break;
    case Target::kList:
      if (object) {
        fail(root_list_, "expected a JSON array, got object");
        skip_depth_ = 1;
      } else {
        open_.push_back({Frame::kListArray, nullptr, root_list_});
      }
      break;
    case Target::kListItem: {
      const size_t list = open_.back().list;
      if (object) {
        item_ = json::object();
        open_.push_back({Frame::kItemObject, nullptr, list});
      } else {
        fail(list, "expected objects in the array, got array");
        skip_depth_ = 1;
      }
      break;
    }
    case Target::kCapture: {
      json* slot = capture_slot();
      *slot = object ? json::object() : json::array();
      open_.push_back({Frame::kCaptured, slot});
      break;
    }
  }
  return true;
}

bool InventoryHandler::close() {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return true;
  }
  const Open top = open_.back();
  open_.pop_back();
  if (top.frame == Frame::kItemObject) finish_item(top.list);
  return true;
}

bool InventoryHandler::key(json::string_t& k) {
  if (skip_depth_ > 0) return true;
  const Open& top = open_.back();
  switch (top.frame) {
    case Frame::kRootObject: {
      // A repeated key replaces what the earlier one gave, as in a JSON object.
      root_target_ = Target::kSkip;
      if (k == "System") {
        root_target_ = Target::kSystem;
        system_ = nullptr;
        return true;
      }
      const auto& kinds = list_kinds();
      for (size_t i = 0; i < kinds.size(); ++i) {
        if (k == kinds[i].key) {
          root_target_ = Target::kList;
          root_list_ = i;
          errors_[i].reset();
          kinds[i].clear(inventory_);
          break;
        }
      }
      return true;
    }
    case Frame::kItemObject: {
      const auto& fields = list_kinds()[top.list].fields;
      capture_key_ = std::find(fields.begin(), fields.end(), k) != fields.end();
      break;
    }
    case Frame::kCaptured:
      // Objects inside the fields read (System's mdmCluster, ipList entries) are kept whole but
      // for their links, which nothing follows.
      capture_key_ = k != "links";
      break;
    case Frame::kSystemArray:
    case Frame::kListArray:
      return true;  // arrays have no keys
  }
  if (capture_key_) key_ = std::move(k);
  return true;
}

Result<sio::Inventory> InventoryHandler::finish(const std::string& endpoint) {
  if (root_type_ != "object") {
    return invalid_argument(endpoint + ": expected a JSON object, got " + root_type_);
  }
  const auto& kinds = list_kinds();
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (errors_[i]) {
      return invalid_argument(endpoint + " " + std::string(kinds[i].key) + ": " + *errors_[i]);
    }
  }
  if (system_.is_object()) {
    inventory_.system = parse_system(system_);
    if (inventory_.system->id.empty()) inventory_.system.reset();
  }
  // Grown item by item, the lists hold up to twice the room they need (parse_list reserved
  // exactly): given back, since the daemon keeps the inventory for a whole observation.
  auto fit = [](auto& list) { list.shrink_to_fit(); };
  fit(inventory_.protection_domains);
  fit(inventory_.fault_sets);
  fit(inventory_.storage_pools);
  fit(inventory_.sdss);
  fit(inventory_.devices);
  fit(inventory_.sdcs);
  fit(inventory_.volumes);
  attach_devices(inventory_.sdss, inventory_.devices);
  return std::move(inventory_);
}

}  // namespace

Result<sio::Inventory> parse_inventory_stream(std::string_view body, const std::string& endpoint) {
  InventoryHandler handler;
  if (!body.empty()) {
    const bool parsed = json::sax_parse(body.begin(), body.end(), &handler);
    if (!parsed || handler.not_json()) {
      return invalid_argument(endpoint + ": the gateway's answer is not JSON: \"" +
                              body_excerpt(body) + "\"");
    }
  }
  return handler.finish(endpoint);
}

}  // namespace scaleio::gateway
