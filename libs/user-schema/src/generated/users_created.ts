// GENERATED from avro/users_created.avsc by scripts/generate-types.ts. Do not edit: run `npm run gen:schema`.
/* eslint-disable @typescript-eslint/no-namespace */

export type UserCreated = IoStreamlineUsers.UserCreated;

export namespace IoStreamlineUsers {
    export const UserSourceSchema = "{\"type\":\"enum\",\"name\":\"UserSource\",\"symbols\":[\"api\",\"generator\"]}";
    export const UserSourceName = "io.streamline.users.UserSource";
    export type UserSource = "api" | "generator";
    export const UserCreatedSchema = "{\"type\":\"record\",\"name\":\"UserCreated\",\"namespace\":\"io.streamline.users\",\"doc\":\"A user as fetched from a randomuser.me-compatible API and committed to PostgreSQL staging. Value of topic users_created.\",\"fields\":[{\"name\":\"id\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"},\"doc\":\"login.uuid of the source record: stable across fetches, so reruns are idempotent\"},{\"name\":\"gender\",\"type\":\"string\"},{\"name\":\"title\",\"type\":\"string\"},{\"name\":\"first_name\",\"type\":\"string\"},{\"name\":\"last_name\",\"type\":\"string\"},{\"name\":\"street_number\",\"type\":\"int\"},{\"name\":\"street_name\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"state\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\"},{\"name\":\"post_code\",\"type\":\"string\",\"doc\":\"the API sends numbers or strings; always text here\"},{\"name\":\"latitude\",\"type\":\"double\"},{\"name\":\"longitude\",\"type\":\"double\"},{\"name\":\"timezone_offset\",\"type\":\"string\"},{\"name\":\"timezone_description\",\"type\":\"string\"},{\"name\":\"email\",\"type\":\"string\"},{\"name\":\"username\",\"type\":\"string\"},{\"name\":\"dob\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"registered_date\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"phone\",\"type\":\"string\"},{\"name\":\"cell\",\"type\":\"string\"},{\"name\":\"national_id_name\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"national_id_value\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"null for some nationalities\"},{\"name\":\"picture_large\",\"type\":\"string\"},{\"name\":\"picture_medium\",\"type\":\"string\"},{\"name\":\"picture_thumbnail\",\"type\":\"string\"},{\"name\":\"nationality\",\"type\":\"string\"},{\"name\":\"source\",\"type\":{\"type\":\"enum\",\"name\":\"UserSource\",\"symbols\":[\"api\",\"generator\"]}},{\"name\":\"ingest_run_id\",\"type\":\"string\"},{\"name\":\"staged_at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"doc\":\"when the row was committed to staging\"}]}";
    export const UserCreatedName = "io.streamline.users.UserCreated";
    /**
     * A user as fetched from a randomuser.me-compatible API and committed to PostgreSQL staging. Value of topic users_created.
     */
    export interface UserCreated {
        /**
         * login.uuid of the source record: stable across fetches, so reruns are idempotent
         */
        id: string;
        gender: string;
        title: string;
        first_name: string;
        last_name: string;
        street_number: number;
        street_name: string;
        city: string;
        state: string;
        country: string;
        /**
         * the API sends numbers or strings; always text here
         */
        post_code: string;
        latitude: number;
        longitude: number;
        timezone_offset: string;
        timezone_description: string;
        email: string;
        username: string;
        dob: number;
        registered_date: number;
        phone: string;
        cell: string;
        /**
         * Default: null
         */
        national_id_name: null | string;
        /**
         * null for some nationalities
         *
         * Default: null
         */
        national_id_value: null | string;
        picture_large: string;
        picture_medium: string;
        picture_thumbnail: string;
        nationality: string;
        source: IoStreamlineUsers.UserSource;
        ingest_run_id: string;
        /**
         * when the row was committed to staging
         */
        staged_at: number;
    }
}

