-- record.lua: what the Wireshark process itself dissected for the teardown
-- plugin, written to the file given as `-X lua_script1:FILE`, so the GUI
-- test can compare it with the expected list.  One line per annotated frame
-- (steps, role, initiator), one per teardown expert item (severity and group
-- as the Expert Information dialog shows them, and the message).
local out_path = ...
assert(out_path, "usage: -X lua_script:record.lua -X lua_script1:OUTPUT")

local step = Field.new("teardown.step")
local role = Field.new("teardown.role")
local initiator = Field.new("teardown.initiator")

local function values(field)
    local list = {}
    for _, info in ipairs({ field() }) do list[#list + 1] = tostring(info.value) end
    return table.concat(list, ",")
end

-- An expert item's subtree is _ws.expert, then the item's own field, message,
-- severity and group, in that order (all_field_infos walks the tree in order).
local function teardown_experts(frame)
    local lines, infos = {}, { all_field_infos() }
    for i, info in ipairs(infos) do
        local item = infos[i + 1]
        if info.name == "_ws.expert" and item and item.name:find("^teardown%.") then
            local severity, group = infos[i + 3], infos[i + 4]
            lines[#lines + 1] = string.format("frame %d expert %s %s, %s: %s", frame, item.name,
                severity.display, group.display, tostring(infos[i + 2].value))
        end
    end
    return lines
end

-- Frames can be tapped again (a re-read, a new filter), so lines are kept by
-- frame and the whole file is rewritten each time.
local by_frame = {}
local listener = Listener.new(nil, "teardown", true)

function listener.packet(pinfo)
    local lines = { string.format("frame %d step %s role %s initiator %s", pinfo.number,
        values(step) ~= "" and values(step) or "-", values(role), values(initiator)) }
    for _, line in ipairs(teardown_experts(pinfo.number)) do lines[#lines + 1] = line end
    by_frame[pinfo.number] = table.concat(lines, "\n")

    local frames = {}
    for number in pairs(by_frame) do frames[#frames + 1] = number end
    table.sort(frames)
    local file = assert(io.open(out_path, "w"))
    for _, number in ipairs(frames) do file:write(by_frame[number], "\n") end
    file:close()
end
