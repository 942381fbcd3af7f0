package io.spillway.localruntime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The Context a handler gets: request id, function name/version/ARN, memory, remaining time, a logger. */
final class LocalContext implements Context {
  private final Map<?, ?> msg;
  private final long deadlineMs;
  private final LambdaLogger logger;

  LocalContext(Map<?, ?> msg, PrintStream log) {
    this.msg = msg;
    this.deadlineMs = System.currentTimeMillis() + ((Number) msg.get("timeoutMs")).longValue();
    this.logger = new LambdaLogger() {
      @Override
      public void log(String message) {
        log.print(message);
      }

      @Override
      public void log(byte[] message) {
        log.print(new String(message, StandardCharsets.UTF_8));
      }
    };
  }

  private String field(String name) {
    return String.valueOf(msg.get(name));
  }

  @Override
  public String getAwsRequestId() {
    return field("requestId");
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + getFunctionName();
  }

  @Override
  public String getLogStreamName() {
    return "local/" + ProcessHandle.current().pid();
  }

  @Override
  public String getFunctionName() {
    return field("functionName");
  }

  @Override
  public String getFunctionVersion() {
    return field("functionVersion");
  }

  @Override
  public String getInvokedFunctionArn() {
    return field("functionArn");
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMs - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return ((Number) msg.get("memoryMb")).intValue();
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }
}
