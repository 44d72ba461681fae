/**
 * The Windows print helper: Windows PowerShell 5.1 (in every Windows 10/11) compiles a small C# class
 * with Add-Type and runs its loop, which calls winspool.drv (OpenPrinter, StartDocPrinter with the RAW
 * datatype, WritePrinter, GetJob) for each job. No native Node module, nothing to install. It is started
 * once (the compile takes a second or two) and fed jobs over stdin/stdout, one frame each way:
 *
 *   frame = u32 LE header length | header (UTF-8 JSON) | u32 LE payload length | payload bytes
 *
 * Requests:  { id, op: 'list' } · { id, op: 'check', printer } · { id, op: 'print', printer, title, timeoutMs } + the bytes
 * Responses: { id, ok: true, printers?, jobId? } · { id, ok: false, error, detail }
 * The first frame the helper sends is { id: 0, ok: true, ready: true, protocol: 1 }.
 * `error` is one of: not-found, offline, paused, paper-out, unsupported, timeout, io.
 *
 * docs/printing.md reviews this source line by line; keep the two in step. C# 5 only (what Add-Type
 * compiles with in Windows PowerShell 5.1): no string interpolation, no `?.`, no `out var`.
 */

export const HELPER_PROTOCOL = 1;

export const HELPER_CSHARP = `using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Web.Script.Serialization;

public class SpoolFailure : Exception {
  public string Code;
  public SpoolFailure(string code, string detail) : base(detail) { Code = code; }
}

public static class RawSpool {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public class DOC_INFO_1 { public string pDocName; public string pOutputFile; public string pDatatype; }

  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public struct PRINTER_INFO_2 {
    public string pServerName, pPrinterName, pShareName, pPortName, pDriverName, pComment, pLocation;
    public IntPtr pDevMode;
    public string pSepFile, pPrintProcessor, pDatatype, pParameters;
    public IntPtr pSecurityDescriptor;
    public uint Attributes, Priority, DefaultPriority, StartTime, UntilTime, Status, cJobs, AveragePPM;
  }

  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public struct PRINTER_INFO_4 { public string pPrinterName, pServerName; public uint Attributes; }

  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public struct JOB_INFO_1 {
    public uint JobId;
    public string pPrinterName, pMachineName, pUserName, pDocument, pDatatype, pStatus;
    public uint Status, Priority, Position, TotalPages, PagesPrinted;
    public ushort wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds; // Submitted
  }

  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool OpenPrinter(string name, out IntPtr handle, IntPtr defaults);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool ClosePrinter(IntPtr handle);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern int StartDocPrinter(IntPtr handle, int level, [In] DOC_INFO_1 info);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool StartPagePrinter(IntPtr handle);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool WritePrinter(IntPtr handle, byte[] bytes, int count, out int written);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool EndPagePrinter(IntPtr handle);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool EndDocPrinter(IntPtr handle);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool GetPrinter(IntPtr handle, int level, IntPtr buffer, int size, out int needed);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool GetJob(IntPtr handle, int jobId, int level, IntPtr buffer, int size, out int needed);
  [DllImport("winspool.drv", SetLastError = true)]
  static extern bool SetJob(IntPtr handle, int jobId, int level, IntPtr info, int command);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool EnumPrinters(int flags, string name, int level, IntPtr buffer, int size, out int needed, out int returned);

  const int ERROR_INSUFFICIENT_BUFFER = 122, ERROR_INVALID_PRINTER_NAME = 1801, ERROR_INVALID_DATATYPE = 1804;
  const uint PRINTER_STATUS_PAUSED = 0x1, PRINTER_STATUS_ERROR = 0x2, PRINTER_STATUS_PAPER_OUT = 0x10;
  const uint PRINTER_STATUS_OFFLINE = 0x80, PRINTER_STATUS_NOT_AVAILABLE = 0x1000;
  const uint PRINTER_ATTRIBUTE_WORK_OFFLINE = 0x400;
  const uint JOB_STATUS_ERROR = 0x2, JOB_STATUS_OFFLINE = 0x20, JOB_STATUS_PAPEROUT = 0x40;
  const uint JOB_STATUS_PRINTED = 0x80, JOB_STATUS_BLOCKED = 0x200, JOB_STATUS_COMPLETE = 0x1000;
  const int JOB_CONTROL_DELETE = 5;

  static SpoolFailure Win32(string what) {
    int code = Marshal.GetLastWin32Error();
    if (code == ERROR_INVALID_PRINTER_NAME) return new SpoolFailure("not-found", what);
    if (code == ERROR_INVALID_DATATYPE) return new SpoolFailure("unsupported", "driver refuses RAW (XPS-only driver?)");
    return new SpoolFailure("io", what + " failed, Win32 error " + code);
  }

  static IntPtr Open(string name) {
    IntPtr handle;
    if (!OpenPrinter(name, out handle, IntPtr.Zero)) throw Win32("OpenPrinter " + name);
    return handle;
  }

  delegate bool Query(IntPtr buffer, int size, out int needed);

  // The two-call pattern of the Get* functions: ask the size, then fill a buffer that big (again if
  // the answer grew in between, e.g. a job's status text).
  static T Get<T>(Query call, out bool found) {
    int needed;
    call(IntPtr.Zero, 0, out needed);
    for (int attempt = 0; attempt < 3 && needed > 0; attempt++) {
      IntPtr buffer = Marshal.AllocHGlobal(needed);
      try {
        if (call(buffer, needed, out needed)) { found = true; return (T)Marshal.PtrToStructure(buffer, typeof(T)); }
        if (Marshal.GetLastWin32Error() != ERROR_INSUFFICIENT_BUFFER) break;
      } finally { Marshal.FreeHGlobal(buffer); }
    }
    found = false;
    return default(T);
  }

  // Why this printer cannot take a job now, or null when it can.
  static SpoolFailure Problem(IntPtr handle) {
    bool found;
    PRINTER_INFO_2 info = Get<PRINTER_INFO_2>((IntPtr b, int s, out int n) => GetPrinter(handle, 2, b, s, out n), out found);
    if (!found) return Win32("GetPrinter");
    string driver = info.pDriverName ?? "";
    if (driver.IndexOf("Easy Print", StringComparison.OrdinalIgnoreCase) >= 0)
      return new SpoolFailure("unsupported", "RDP Easy Print (" + driver + ")");
    if ((info.Status & PRINTER_STATUS_PAUSED) != 0) return new SpoolFailure("paused", info.pPrinterName);
    if ((info.Status & PRINTER_STATUS_PAPER_OUT) != 0) return new SpoolFailure("paper-out", info.pPrinterName);
    if ((info.Status & (PRINTER_STATUS_OFFLINE | PRINTER_STATUS_NOT_AVAILABLE | PRINTER_STATUS_ERROR)) != 0 ||
        (info.Attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE) != 0)
      return new SpoolFailure("offline", info.pPrinterName + ", status 0x" + info.Status.ToString("x"));
    return null;
  }

  static List<string> List() {
    var names = new List<string>();
    int needed, returned;
    EnumPrinters(2 | 4, null, 4, IntPtr.Zero, 0, out needed, out returned);
    if (needed <= 0) return names;
    IntPtr buffer = Marshal.AllocHGlobal(needed);
    try {
      if (!EnumPrinters(2 | 4, null, 4, buffer, needed, out needed, out returned)) throw Win32("EnumPrinters");
      int size = Marshal.SizeOf(typeof(PRINTER_INFO_4));
      for (int i = 0; i < returned; i++) {
        var p = (PRINTER_INFO_4)Marshal.PtrToStructure(new IntPtr(buffer.ToInt64() + i * size), typeof(PRINTER_INFO_4));
        names.Add(p.pPrinterName);
      }
    } finally { Marshal.FreeHGlobal(buffer); }
    return names;
  }

  static void Check(string name) {
    IntPtr handle = Open(name);
    try { SpoolFailure p = Problem(handle); if (p != null) throw p; } finally { ClosePrinter(handle); }
  }

  static int Print(string name, string title, byte[] bytes, int timeoutMs) {
    IntPtr handle = Open(name);
    try {
      SpoolFailure before = Problem(handle);
      if (before != null) throw before;
      int jobId = StartDocPrinter(handle, 1, new DOC_INFO_1 { pDocName = title, pDatatype = "RAW" });
      if (jobId <= 0) throw Win32("StartDocPrinter");
      bool ended = false;
      try {
        if (!StartPagePrinter(handle)) throw Win32("StartPagePrinter");
        int written;
        if (!WritePrinter(handle, bytes, bytes.Length, out written)) throw Win32("WritePrinter");
        if (written != bytes.Length) throw new SpoolFailure("io", "WritePrinter wrote " + written + " of " + bytes.Length);
        EndPagePrinter(handle);
        ended = EndDocPrinter(handle);
        if (!ended) throw Win32("EndDocPrinter");
      } catch {
        if (!ended) { SetJob(handle, jobId, 0, IntPtr.Zero, JOB_CONTROL_DELETE); EndDocPrinter(handle); }
        throw;
      }
      Wait(handle, jobId, timeoutMs);
      return jobId;
    } finally { ClosePrinter(handle); }
  }

  // Until the job has left the queue or printed; a job in error or past the deadline is deleted, so a
  // retry from the app never meets an old copy that prints later.
  static void Wait(IntPtr handle, int jobId, int timeoutMs) {
    DateTime deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
    while (true) {
      bool found;
      JOB_INFO_1 job = Get<JOB_INFO_1>((IntPtr b, int s, out int n) => GetJob(handle, jobId, 1, b, s, out n), out found);
      if (!found || (job.Status & (JOB_STATUS_PRINTED | JOB_STATUS_COMPLETE)) != 0) return;
      string reason = null;
      if ((job.Status & JOB_STATUS_PAPEROUT) != 0) reason = "paper-out";
      else if ((job.Status & (JOB_STATUS_OFFLINE | JOB_STATUS_ERROR | JOB_STATUS_BLOCKED)) != 0) reason = "offline";
      else if (DateTime.UtcNow > deadline) reason = "timeout";
      if (reason != null) {
        SetJob(handle, jobId, 0, IntPtr.Zero, JOB_CONTROL_DELETE);
        throw new SpoolFailure(reason, "job " + jobId + " deleted" + (job.pStatus != null ? ": " + job.pStatus : ""));
      }
      Thread.Sleep(200);
    }
  }

  static byte[] ReadExact(Stream input, int count) {
    var bytes = new byte[count];
    int at = 0;
    while (at < count) {
      int n = input.Read(bytes, at, count - at);
      if (n <= 0) return null;
      at += n;
    }
    return bytes;
  }

  static byte[] ReadPart(Stream input, int limit) {
    byte[] length = ReadExact(input, 4);
    if (length == null) return null;
    int n = BitConverter.ToInt32(length, 0);
    if (n < 0 || n > limit) throw new InvalidDataException("frame part of " + n + " bytes");
    return ReadExact(input, n);
  }

  static void Send(Stream output, JavaScriptSerializer json, Dictionary<string, object> header) {
    byte[] body = Encoding.UTF8.GetBytes(json.Serialize(header));
    output.Write(BitConverter.GetBytes(body.Length), 0, 4);
    output.Write(body, 0, body.Length);
    output.Write(BitConverter.GetBytes(0), 0, 4);
    output.Flush();
  }

  static Dictionary<string, object> Handle(Dictionary<string, object> request, byte[] payload) {
    var result = new Dictionary<string, object>();
    string op = request["op"] as string;
    string printer = request.ContainsKey("printer") ? request["printer"] as string : null;
    if (op == "list") result["printers"] = List();
    else if (op == "check") Check(printer);
    else if (op == "print") result["jobId"] = Print(printer, request["title"] as string, payload, Convert.ToInt32(request["timeoutMs"]));
    else throw new SpoolFailure("io", "unknown op " + op);
    result["ok"] = true;
    return result;
  }

  public static void Run() {
    Stream input = Console.OpenStandardInput();
    Stream output = Console.OpenStandardOutput();
    var json = new JavaScriptSerializer();
    var ready = new Dictionary<string, object>();
    ready["id"] = 0; ready["ok"] = true; ready["ready"] = true; ready["protocol"] = ${HELPER_PROTOCOL};
    Send(output, json, ready);
    while (true) {
      byte[] header = ReadPart(input, 1 << 16);
      if (header == null) return;
      byte[] payload = ReadPart(input, 16 << 20);
      if (payload == null) return;
      var request = json.Deserialize<Dictionary<string, object>>(Encoding.UTF8.GetString(header));
      Dictionary<string, object> response;
      try { response = Handle(request, payload); }
      catch (SpoolFailure f) { response = new Dictionary<string, object>(); response["ok"] = false; response["error"] = f.Code; response["detail"] = f.Message; }
      catch (Exception e) { response = new Dictionary<string, object>(); response["ok"] = false; response["error"] = "io"; response["detail"] = e.Message; }
      response["id"] = request.ContainsKey("id") ? request["id"] : 0;
      Send(output, json, response);
    }
  }
}
`;

/** The environment variable that carries the C# source to PowerShell. */
export const HELPER_SOURCE_ENV = 'COUNTER_CASHIER_SPOOL_CS';

/**
 * The PowerShell that compiles and runs it. stdout carries frames only, so nothing else may print there.
 * The C# comes in through the environment (set by us when we spawn it): the command line stays short.
 */
export const HELPER_POWERSHELL = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Add-Type -AssemblyName System.Web.Extensions
$json = [System.Web.Script.Serialization.JavaScriptSerializer].Assembly.Location
Add-Type -ReferencedAssemblies $json -TypeDefinition $env:${HELPER_SOURCE_ENV}
[RawSpool]::Run()
`;

/**
 * powershell.exe with the script as -EncodedCommand (base64 of UTF-16LE) and the C# in one environment
 * variable: no script file on disk that another program could swap, and no execution-policy prompt.
 * Windows limits a command line and each variable to 32,767 characters; a test keeps both well under.
 */
export function helperCommand(): { command: string; args: string[]; env: Record<string, string> } {
  const root = process.env.SystemRoot ?? 'C:\\Windows';
  return {
    command: `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: [
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
      Buffer.from(HELPER_POWERSHELL, 'utf16le').toString('base64'),
    ],
    env: { [HELPER_SOURCE_ENV]: HELPER_CSHARP },
  };
}
