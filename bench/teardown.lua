-- teardown.lua: the teardown post-dissector's bookkeeping written in Lua, the
-- obvious alternative the plugin is measured against (bench/run.sh).
--
-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- It reads the same TCP fields, follows the same steps, roles, initiator and
-- patterns per stream, keeps a record per annotated frame for later passes,
-- and registers the same field names, so one tshark command line serves
-- both.  It leaves out the expert checks and the sentences of the tree: the
-- comparison is of the cost of the bookkeeping, and it errs in Lua's favour.
-- Load it with: tshark -X lua_script:bench/teardown.lua

local proto = Proto("teardown", "TCP Connection Teardown (Lua)")

local f_step = ProtoField.uint8("teardown.step", "Step")
local f_role = ProtoField.string("teardown.role", "Role")
local f_initiator = ProtoField.string("teardown.initiator", "Initiator")
local f_pattern = ProtoField.string("teardown.pattern", "Pattern")
local f_fin_frame = ProtoField.framenum("teardown.fin_frame", "FIN in frame")
local f_ack_frame = ProtoField.framenum("teardown.ack_frame", "ACK in frame")
local f_retransmission = ProtoField.none("teardown.retransmission", "Retransmitted FIN")
local f_half_close = ProtoField.none("teardown.half_close", "Half-close data")
proto.fields = { f_step, f_role, f_initiator, f_pattern, f_fin_frame, f_ack_frame,
                 f_retransmission, f_half_close }

local tcp_stream = Field.new("tcp.stream")
local tcp_flags = Field.new("tcp.flags")
local tcp_seq = Field.new("tcp.seq")
local tcp_seq_raw = Field.new("tcp.seq_raw")
local tcp_ack = Field.new("tcp.ack")
local tcp_ack_raw = Field.new("tcp.ack_raw")
local tcp_len = Field.new("tcp.len")
local tcp_srcport = Field.new("tcp.srcport")
local tcp_dstport = Field.new("tcp.dstport")
local tcp_hdr_len = Field.new("tcp.hdr_len")
local icmp = Field.new("icmp")
local icmpv6 = Field.new("icmpv6")

local FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
local M = 4294967296

-- Whether a flag bit is set, in arithmetic that Lua 5.2 (Wireshark 4.0,
-- bit32) and 5.4 (Wireshark 4.6, no bit32) both understand.
local function has(flags, flag)
    return math.floor(flags / flag) % 2 == 1
end

local streams = {}
local records = {}

function proto.init()
    streams = {}
    records = {}
end

-- a - b as a signed 32-bit difference: sequence space wraps (RFC 9293 3.4).
local function diff(a, b)
    local d = (a - b) % M
    if d >= M / 2 then d = d - M end
    return d
end

local function covers(ack, fin_seq)
    return diff(ack, (fin_seq + 1) % M) >= 0
end

local function side_name(stream, endpoint)
    if stream.client == nil then return "unknown" end
    return stream.client == endpoint and "client" or "server"
end

local function role_name(stream, endpoint)
    if stream.active == endpoint or (stream.simultaneous and stream.ep[endpoint].fin_frame) then
        return "active"
    end
    return "passive"
end

local function new_stream()
    return { ep = { [0] = {}, [1] = {} } }
end

-- The state machine: returns the frame's record, or nil when it says nothing.
local function update(stream, frame, endpoint, flags, seq, ack, len)
    local own, peer = stream.ep[endpoint], stream.ep[1 - endpoint]
    local rec = nil
    local function note()
        rec = rec or { steps = {}, endpoint = endpoint }
        return rec
    end

    if stream.ended then return nil end
    if has(flags, SYN) then
        if not has(flags, ACK) then
            stream.client = stream.client or endpoint
        else
            stream.client = stream.client or (1 - endpoint)
            stream.established = true
        end
        stream.seen = true
        return nil
    end
    if has(flags, RST) then
        if not stream.seen then return nil end
        stream.ended = true
        if stream.pattern then return nil end
        local r = note()
        if stream.active then
            stream.pattern = "reset"
        else
            stream.pattern = stream.established and "abort" or "refused"
            stream.active = endpoint
        end
        r.pattern = stream.pattern
        return r
    end
    stream.seen = true
    stream.established = true

    if stream.active == peer.index and peer.fin_frame and not own.fin_frame and
       stream.step2_frame and len > 0 then
        note().half_close = true
    end
    if has(flags, FIN) then
        local fin_seq = (seq + len) % M
        if own.fin_frame then
            if own.fin_seq == fin_seq then
                local r = note()
                r.steps[#r.steps + 1] = own.fin_step
                r.retransmission = true
            end
        else
            own.fin_seq, own.fin_frame = fin_seq, frame
            if not stream.active then
                stream.active = endpoint
                own.fin_step = 1
                stream.initiator = side_name(stream, endpoint)
            else
                own.fin_step = 3
                stream.step3_frame = frame
                if not stream.step2_frame and
                   not (has(flags, ACK) and covers(ack, peer.fin_seq)) then
                    stream.simultaneous = true
                end
            end
            local r = note()
            r.steps[#r.steps + 1] = own.fin_step
        end
    end
    if has(flags, ACK) and peer.fin_frame and not peer.ack_frame and
       covers(ack, peer.fin_seq) then
        peer.ack_frame = frame
        local r = note()
        local step = peer.fin_step + 1
        if step == 2 then stream.step2_frame = frame end
        table.insert(r.steps, 1, step)
        r.fin_frame = peer.fin_frame
    end
    if not stream.pattern and stream.ep[0].ack_frame and stream.ep[1].ack_frame then
        if stream.simultaneous then
            stream.pattern = "simultaneous"
        elseif stream.step2_frame == stream.step3_frame then
            stream.pattern = "three-way"
        else
            stream.pattern = "four-way"
        end
        note().pattern = stream.pattern
    end
    if rec then
        table.sort(rec.steps)
        rec.role = role_name(stream, endpoint)
        rec.initiator = stream.initiator or side_name(stream, endpoint)
    end
    return rec
end

-- The innermost TCP header outside an ICMP error, as an index into the
-- field lists (quoted headers come after the ICMP header).
local function segment_index(flags)
    if #flags == 0 then return nil end
    if icmp() or icmpv6() then
        if #flags < 2 then return nil end
        return 1
    end
    return #flags
end

local function analyze(pinfo)
    local flags_items = { tcp_flags() }
    local i = segment_index(flags_items)
    if not i then return nil end
    local stream_id = ({ tcp_stream() })[i]
    local seq_raw, ack_raw = ({ tcp_seq_raw() })[i], ({ tcp_ack_raw() })[i]
    local len, hdr_len = ({ tcp_len() })[i], ({ tcp_hdr_len() })[i]
    local sport, dport = ({ tcp_srcport() })[i], ({ tcp_dstport() })[i]
    local seq, ack = ({ tcp_seq() })[i], ({ tcp_ack() })[i]
    if not (stream_id and seq_raw and len and hdr_len and sport and dport and seq) or
       hdr_len.value < 20 then
        return nil
    end
    local flags = flags_items[i].value
    local ack_value, ack_base = 0, 0
    if has(flags, ACK) then
        if not (ack_raw and ack) then return nil end
        ack_value, ack_base = ack_raw.value, (ack_raw.value - ack.value) % M
    end

    local key = stream_id.value
    local stream = streams[key]
    if not stream then
        stream = new_stream()
        stream.ep[0].index, stream.ep[1].index = 0, 1
        streams[key] = stream
    end
    local src, dst = tostring(pinfo.net_src), tostring(pinfo.net_dst)
    local endpoint = (src < dst or (src == dst and sport.value <= dport.value)) and 0 or 1
    stream.ep[endpoint].port = sport.value

    local rec = update(stream, pinfo.number, endpoint, flags, seq_raw.value, ack_value, len.value)
    if rec then
        rec.stream = stream
        rec.seq_base = (seq_raw.value - seq.value) % M
        rec.ack_base = ack_base
    end
    return rec
end

local function render(rec, pinfo, tree)
    local subtree = tree:add(proto)
    for _, step in ipairs(rec.steps) do subtree:add(f_step, step):set_generated() end
    subtree:add(f_role, rec.role):set_generated()
    subtree:add(f_initiator, rec.initiator):set_generated()
    local pattern = rec.pattern
    if not pattern and pinfo.visited then pattern = rec.stream.pattern or "incomplete" end
    if pattern then subtree:add(f_pattern, pattern):set_generated() end
    if rec.fin_frame then subtree:add(f_fin_frame, rec.fin_frame):set_generated() end
    local sender = rec.stream.ep[rec.endpoint]
    if sender.ack_frame and (rec.steps[1] == 1 or rec.steps[1] == 3) then
        subtree:add(f_ack_frame, sender.ack_frame):set_generated()
    end
    if rec.retransmission then subtree:add(f_retransmission):set_generated() end
    if rec.half_close then subtree:add(f_half_close):set_generated() end
    local summary
    if #rec.steps > 0 then
        summary = table.concat(rec.steps, "+") .. "/4"
    else
        summary = pattern or "half-close data"
    end
    pinfo.cols.info:append(" [Teardown " .. summary .. ", " .. rec.role .. "]")
end

function proto.dissector(tvb, pinfo, tree)
    local rec
    if pinfo.visited then
        rec = records[pinfo.number]
    else
        rec = analyze(pinfo)
        if rec then records[pinfo.number] = rec end
    end
    if rec then render(rec, pinfo, tree) end
end

register_postdissector(proto)
